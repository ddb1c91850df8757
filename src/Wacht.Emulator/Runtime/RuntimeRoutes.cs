using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Wacht.Emulator;

/// <summary>
/// The app runtime endpoints that authenticate a client: <c>POST /oauth/introspect</c> (RFC 7662) and
/// <c>POST /oauth/revoke</c> (RFC 7009), served for every app on its fqdn: the request's Host selects the app
/// (one loopback port serves them all). The emulator issues no tokens, so every token is unknown: an authenticated
/// client gets <c>{"active":false}</c> or <c>{"revoked":true}</c>. Counted, faulted and held like the management API,
/// under the app's deployment.
/// </summary>
internal static class RuntimeRoutes
{
    private const string IntrospectPath = "/oauth/introspect";
    private const string RevokePath = "/oauth/revoke";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods(IntrospectPath, [HttpMethods.Post], http => HandleAsync(
            http, OAuthOperations.OAuthIntrospect, IntrospectPath,
            static () => ApiResult.Json(new WireIntrospection(false), ApiJsonContext.Default.WireIntrospection)));
        endpoints.MapMethods(RevokePath, [HttpMethods.Post], http => HandleAsync(
            http, OAuthOperations.OAuthRevoke, RevokePath,
            static () => ApiResult.Json(new WireRevocation(true), ApiJsonContext.Default.WireRevocation)));
    }

    private static async Task HandleAsync(HttpContext http, string operation, string endpointPath, Func<ApiResult> success)
    {
        var runtime = http.RequestServices.GetRequiredService<EmulatorRuntime>();
        var data = runtime.State.Data;
        var (deployment, app, notFound) = ResolveApp(data, http.Request.Host.Host);
        if (deployment is null || app is null)
        {
            runtime.Calls.Increment(operation, OAuthOperations.UnknownHostDeployment);
            await ApiPipeline.TryWriteAsync(http, notFound!);
            return;
        }

        runtime.Calls.Increment(operation, deployment.IdText);
        byte[] body;
        try
        {
            body = await ApiPipeline.ReadBodyAsync(http);
        }
        catch (EmulatorApiException ex)
        {
            await ApiPipeline.TryWriteAsync(http, ApiResult.OAuthError(ex.Status, "invalid_request", ex.Message));
            return;
        }
        catch (Exception) when (http.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        await ApiPipeline.ExecuteAsync(
            http,
            runtime,
            operation,
            deployment,
            InjectedError,
            () => ValueTask.FromResult(Handle(http, body, runtime, data, deployment, app, endpointPath, success)));
    }

    private static ApiResult Handle(
        HttpContext http,
        byte[] body,
        EmulatorRuntime runtime,
        StateData data,
        DeploymentState deployment,
        AppRecord app,
        string endpointPath,
        Func<ApiResult> success)
    {
        if (!IsFormContentType(http.Request.ContentType))
        {
            return ApiResult.OAuthError(
                StatusCodes.Status415UnsupportedMediaType, "invalid_request", "Form requests must have `Content-Type: application/x-www-form-urlencoded`");
        }

        var form = new FormReader(System.Text.Encoding.UTF8.GetString(body)).ReadForm();
        if (form.FirstOrDefault(f => f.Value.Count > 1) is { Key: { } duplicate })
        {
            return ApiResult.OAuthError(StatusCodes.Status400BadRequest, "invalid_request", $"Failed to deserialize form body: duplicate field `{duplicate}`");
        }

        // As on the platform, the token is checked before the client: an empty token is a 400 whoever asks.
        if (!form.TryGetValue("token", out var token) || string.IsNullOrWhiteSpace(token.ToString()))
        {
            return ApiResult.OAuthError(StatusCodes.Status400BadRequest, "invalid_request", "token is required");
        }

        var verdict = ClientAuthenticator.Authenticate(
            http.Request, form, runtime, data, deployment, app, endpointPath);
        if (verdict.IsAuthenticated)
        {
            return success();
        }

        return verdict.BadRequestDescription is { } description
            ? ApiResult.OAuthError(StatusCodes.Status400BadRequest, "invalid_request", description)
            : ApiResult.OAuthError(StatusCodes.Status401Unauthorized, "invalid_client");
    }

    /// <summary>
    /// The active app whose fqdn is the Host (port ignored, case-insensitive), across all deployments. No such app
    /// (or an inactive one): 404, as the contract says. Two active apps sharing an fqdn is a seed problem the platform
    /// cannot have; the emulator refuses to guess and answers 404 saying so.
    /// </summary>
    private static (DeploymentState? Deployment, AppRecord? App, ApiResult? NotFound) ResolveApp(StateData data, string host)
    {
        host = host.Trim().TrimEnd('.');
        DeploymentState? foundDeployment = null;
        AppRecord? foundApp = null;
        var matches = 0;
        foreach (var deployment in data.Deployments)
        {
            lock (deployment.Gate)
            {
                foreach (var app in deployment.Apps)
                {
                    if (app.IsActive && string.Equals(app.Fqdn, host, StringComparison.OrdinalIgnoreCase))
                    {
                        matches++;
                        foundDeployment = deployment;
                        foundApp = app;
                    }
                }
            }
        }

        return matches switch
        {
            1 => (foundDeployment, foundApp, null),
            0 => (null, null, ApiResult.OAuthError(StatusCodes.Status404NotFound, "not_found", "OAuth app not found for host")),
            _ => (null, null, ApiResult.OAuthError(StatusCodes.Status404NotFound, "not_found", $"emulator: {matches} active apps share this fqdn; give each app its own fqdn in the seed")),
        };
    }

    /// <summary>Injected faults answer in the runtime's OAuth error form.</summary>
    private static ApiResult InjectedError(FaultDecision fault)
    {
        var status = fault.ErrorStatus!.Value;
        var error = status switch
        {
            StatusCodes.Status401Unauthorized => "invalid_client",
            StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable => "temporarily_unavailable",
            >= 500 => "server_error",
            _ => "invalid_request",
        };
        return ApiResult.OAuthError(status, error, fault.ErrorMessage ?? ApiResult.DefaultMessage(status), fault.RetryAfterSeconds);
    }

    private static bool IsFormContentType(string? contentType) =>
        contentType is not null
        && MediaTypeHeaderValue.TryParse(contentType, out var media)
        && string.Equals(media.MediaType.Value, "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
}
