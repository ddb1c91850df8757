namespace Wacht.Emulator;

/// <summary>The 18 contract endpoints, mapped once per path style.</summary>
internal static class OAuthRoutes
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        MapStyle(endpoints.MapGroup("/oauth"), platformStyle: false);
        MapStyle(endpoints.MapGroup("/deployments/{deployment_id}/oauth"), platformStyle: true);
    }

    private static void MapStyle(RouteGroupBuilder group, bool platformStyle)
    {
        const string App = "/apps/{slug}";
        const string Scope = App + "/scopes/{scope}";
        const string Client = App + "/clients/{oauth_client_id}";
        const string Keys = App + "/signing-keys";

        Map(group, HttpMethods.Get, "/apps", ApiPipeline.Wrap(OAuthOperations.ListOAuthApps, platformStyle, AppHandlers.List));
        Map(group, HttpMethods.Post, "/apps", ApiPipeline.Wrap(OAuthOperations.CreateOAuthApp, platformStyle, AppHandlers.CreateAsync));
        Map(group, HttpMethods.Patch, App, ApiPipeline.Wrap(OAuthOperations.UpdateOAuthApp, platformStyle, AppHandlers.Update));
        Map(group, HttpMethods.Post, App + "/verify-domain", ApiPipeline.Wrap(OAuthOperations.VerifyOAuthAppDomain, platformStyle, AppHandlers.VerifyDomain));
        Map(group, HttpMethods.Patch, Scope, ApiPipeline.Wrap(OAuthOperations.UpdateOAuthScope, platformStyle, AppHandlers.UpdateScope));
        Map(group, HttpMethods.Post, Scope + "/archive", ApiPipeline.Wrap(OAuthOperations.ArchiveOAuthScope, platformStyle, AppHandlers.Archive));
        Map(group, HttpMethods.Post, Scope + "/unarchive", ApiPipeline.Wrap(OAuthOperations.UnarchiveOAuthScope, platformStyle, AppHandlers.Unarchive));
        Map(group, HttpMethods.Post, Scope + "/mapping", ApiPipeline.Wrap(OAuthOperations.SetOAuthScopeMapping, platformStyle, AppHandlers.SetMapping));
        Map(group, HttpMethods.Get, App + "/clients", ApiPipeline.Wrap(OAuthOperations.ListOAuthClients, platformStyle, ClientHandlers.List));
        Map(group, HttpMethods.Post, App + "/clients", ApiPipeline.Wrap(OAuthOperations.CreateOAuthClient, platformStyle, ClientHandlers.Create));
        Map(group, HttpMethods.Patch, Client, ApiPipeline.Wrap(OAuthOperations.UpdateOAuthClient, platformStyle, ClientHandlers.Update));
        Map(group, HttpMethods.Delete, Client, ApiPipeline.Wrap(OAuthOperations.DeactivateOAuthClient, platformStyle, ClientHandlers.Deactivate));
        Map(group, HttpMethods.Post, Client + "/rotate-secret", ApiPipeline.Wrap(OAuthOperations.RotateOAuthClientSecret, platformStyle, ClientHandlers.Rotate));
        Map(group, HttpMethods.Get, Client + "/grants", ApiPipeline.Wrap(OAuthOperations.ListOAuthGrants, platformStyle, GrantHandlers.List));
        Map(group, HttpMethods.Post, Client + "/grants/{grant_id}/revoke", ApiPipeline.Wrap(OAuthOperations.RevokeOAuthGrant, platformStyle, GrantHandlers.Revoke));
        Map(group, HttpMethods.Get, Keys, ApiPipeline.Wrap(OAuthOperations.ListOAuthAppSigningKeys, platformStyle, SigningKeyHandlers.List));
        Map(group, HttpMethods.Post, Keys + "/rotate", ApiPipeline.Wrap(OAuthOperations.RotateOAuthAppSigningKey, platformStyle, SigningKeyHandlers.Rotate));
        Map(group, HttpMethods.Post, Keys + "/{kid}/compromise", ApiPipeline.Wrap(OAuthOperations.CompromiseOAuthAppSigningKey, platformStyle, SigningKeyHandlers.Compromise));
    }

    private static void Map(RouteGroupBuilder group, string method, string pattern, RequestDelegate handler) =>
        group.MapMethods(pattern, [method], handler);
}
