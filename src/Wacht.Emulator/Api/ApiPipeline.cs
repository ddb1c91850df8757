using System.Globalization;

namespace Wacht.Emulator;

/// <summary>
/// Wraps every API handler: authenticate (401), count the call, buffer the body, apply faults
/// (stall/latency, injected error, lost response), holds, handle, and write the error envelope on failure.
/// </summary>
internal static class ApiPipeline
{
    private const int MaxBodyBytes = 16 * 1024 * 1024;

    public static RequestDelegate Wrap(string operation, bool platformStyle, Func<ApiRequest, ValueTask<ApiResult>> handler) =>
        http => HandleAsync(http, operation, platformStyle, handler);

    public static RequestDelegate Wrap(string operation, bool platformStyle, Func<ApiRequest, ApiResult> handler) =>
        http => HandleAsync(http, operation, platformStyle, r => ValueTask.FromResult(handler(r)));

    private static async Task HandleAsync(HttpContext http, string operation, bool platformStyle, Func<ApiRequest, ValueTask<ApiResult>> handler)
    {
        var runtime = http.RequestServices.GetRequiredService<EmulatorRuntime>();
        var data = runtime.State.Data;

        var (deployment, authError) = Authenticate(http, runtime, platformStyle);
        if (deployment is null)
        {
            // Requests that fail authentication are counted under "unauthenticated" (never under the
            // deployment they named: that would let a wrong key inflate another deployment's counts).
            runtime.Calls.Increment(operation, OAuthOperations.UnauthenticatedDeployment);
            await TryWriteAsync(http, authError!);
            return;
        }

        runtime.Calls.Increment(operation, deployment.IdText);

        byte[] body;
        try
        {
            body = await ReadBodyAsync(http);
        }
        catch (EmulatorApiException ex)
        {
            await TryWriteAsync(http, ApiResult.Error(ex.Status, ex.Message));
            return;
        }
        catch (Exception) when (http.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        await ExecuteAsync(
            http,
            runtime,
            operation,
            deployment,
            static fault => ApiResult.Error(fault.ErrorStatus!.Value, fault.ErrorMessage, fault.RetryAfterSeconds),
            () => handler(new ApiRequest(http, runtime, data, deployment, body)));
    }

    /// <summary>
    /// The part every operation shares once it knows its deployment and has its body: fault delays and injected
    /// errors, holds, the handler, a lost response, and writing the answer.
    /// </summary>
    internal static async Task ExecuteAsync(
        HttpContext http,
        EmulatorRuntime runtime,
        string operation,
        DeploymentState deployment,
        Func<FaultDecision, ApiResult> injectedError,
        Func<ValueTask<ApiResult>> handle)
    {
        if (runtime.Options.LatencyMs > 0)
        {
            // The configured latency runs on the emulator's clock (a fake one in tests), the fault rules' on real time.
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(runtime.Options.LatencyMs), runtime.Options.TimeProvider, runtime.Stopping.Token);
            }
            catch (OperationCanceledException)
            {
                http.Abort();
                return;
            }
        }

        var fault = runtime.Faults.Evaluate(operation, deployment.IdText);
        var delay = fault.StallMs + fault.LatencyMs;
        if (delay > 0)
        {
            try
            {
                // Not the request's token: the server keeps working when the caller gives up.
                await Task.Delay(delay, runtime.Stopping.Token);
            }
            catch (OperationCanceledException)
            {
                http.Abort();
                return;
            }
        }

        if (fault.ErrorStatus is not null)
        {
            await TryWriteAsync(http, injectedError(fault));
            return;
        }

        var oauthClientId = http.GetRouteValue("oauth_client_id") as string;
        var held = runtime.Holds.TryHold(operation, deployment.IdText, oauthClientId, () => PublicClientId(http, deployment, oauthClientId), http);
        if (held is not null && !await held.WaitForReleaseAsync(runtime.Stopping.Token))
        {
            http.Abort();
            held.Complete(executed: false, status: 0);
            return;
        }

        ApiResult result;
        try
        {
            result = await handle();
        }
        catch (EmulatorApiException ex)
        {
            result = ApiResult.Error(ex.Status, ex.Message);
        }
        catch (Exception ex)
        {
            EmulatorLog.HandlerFailed(runtime.Logger, ex, operation);
            result = ApiResult.Error(StatusCodes.Status500InternalServerError);
        }

        try
        {
            if (fault.LoseResponse)
            {
                // The request was executed in full; the caller never sees the answer.
                http.Abort();
                return;
            }

            await TryWriteAsync(http, result);
        }
        finally
        {
            held?.Complete(executed: true, result.Status);
        }
    }

    /// <summary>The public client_id of the client in the request path (for holds by client_id); null when unknown.</summary>
    private static string? PublicClientId(HttpContext http, DeploymentState deployment, string? oauthClientId)
    {
        if (oauthClientId is null
            || http.GetRouteValue("slug") is not string slug
            || !long.TryParse(oauthClientId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        lock (deployment.Gate)
        {
            return deployment.AppsBySlug.TryGetValue(slug, out var app) && app.ClientsById.TryGetValue(id, out var client)
                ? client.ClientId
                : null;
        }
    }

    private static (DeploymentState? Deployment, ApiResult? Error) Authenticate(HttpContext http, EmulatorRuntime runtime, bool platformStyle)
    {
        var unauthorized = ApiResult.Error(StatusCodes.Status401Unauthorized, "Unauthorized");
        var key = BearerToken(http.Request.Headers.Authorization.ToString());
        if (platformStyle)
        {
            var raw = http.GetRouteValue("deployment_id") as string ?? "";
            if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var deploymentId))
            {
                return (null, ApiResult.Error(StatusCodes.Status400BadRequest, $"Invalid URL: Cannot parse `{raw}` to a `i64`"));
            }

            // The key must be the key of the deployment in the path; an unknown deployment is a 401
            // too (the platform does not tell a caller which deployments exist).
            var deployment = runtime.State.FindById(deploymentId);
            return deployment is not null && key is not null && EmulatorState.FixedTimeEquals(deployment.ApiKey, key)
                ? (deployment, null)
                : (null, unauthorized);
        }

        var byKey = key is null ? null : runtime.State.FindByApiKey(key);
        return byKey is not null ? (byKey, null) : (null, unauthorized);
    }

    private static string? BearerToken(string header)
    {
        const string Scheme = "Bearer ";
        if (header.Length <= Scheme.Length || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[Scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }

    internal static async Task<byte[]> ReadBodyAsync(HttpContext http)
    {
        if (http.Request.ContentLength is > MaxBodyBytes)
        {
            throw new EmulatorApiException(StatusCodes.Status413PayloadTooLarge, "Payload too large");
        }

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        return buffer.Length > MaxBodyBytes
            ? throw new EmulatorApiException(StatusCodes.Status413PayloadTooLarge, "Payload too large")
            : buffer.ToArray();
    }

    internal static async Task TryWriteAsync(HttpContext http, ApiResult result)
    {
        try
        {
            await result.WriteAsync(http);
        }
        catch (Exception) when (http.RequestAborted.IsCancellationRequested)
        {
            // The caller is gone (e.g. it timed out during a stall): nothing to answer.
        }
    }
}
