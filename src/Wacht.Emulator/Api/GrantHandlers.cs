namespace Wacht.Emulator;

/// <summary>Grant operations: list and revoke.</summary>
internal static class GrantHandlers
{
    /// <summary>listOAuthGrants: newest first; works for inactive clients too (grants outlive them).</summary>
    public static ApiResult List(ApiRequest r)
    {
        var clientRecordId = r.RouteId("oauth_client_id");
        WireGrantList result;
        lock (r.Deployment.Gate)
        {
            var client = RequireClient(r, clientRecordId);
            var grants = new WireGrant[client.Grants.Count];
            for (var i = 0; i < grants.Length; i++)
            {
                grants[i] = WireMapper.ToWire(client.Grants[i]);
            }

            result = new WireGrantList(grants);
        }

        return ApiResult.Json(result, ApiJsonContext.Default.WireGrantList);
    }

    /// <summary>
    /// revokeOAuthGrant: status=revoked and revoked_at=now only for an active grant; an already revoked
    /// or unknown grant of a known client still answers 200.
    /// </summary>
    public static ApiResult Revoke(ApiRequest r)
    {
        var clientRecordId = r.RouteId("oauth_client_id");
        var grantId = r.RouteId("grant_id");
        var now = r.Now;
        lock (r.Deployment.Gate)
        {
            var client = RequireClient(r, clientRecordId);
            if (client.GrantsById.TryGetValue(grantId, out var grant) && grant.Status == "active")
            {
                grant.Status = "revoked";
                grant.RevokedAt = now;
                grant.UpdatedAt = now;
            }
        }

        return r.Runtime.Options.RevokeBodyStyle == RevokeBodyStyle.Null
            ? ApiResult.RawJson("null")
            : ApiResult.Json(new WireEmpty(), ApiJsonContext.Default.WireEmpty);
    }

    private static ClientRecord RequireClient(ApiRequest r, long clientRecordId)
    {
        var app = r.Deployment.RequireApp(r.Slug);
        return app.ClientsById.TryGetValue(clientRecordId, out var client)
            ? client
            : throw EmulatorApiException.NotFound("OAuth client not found");
    }
}
