using System.Net;
using System.Text.Json;

namespace Wacht.Emulator;

/// <summary>
/// The test-only surface under <c>/_emulator</c>: no auth, loopback callers only, not counted,
/// never faulted. Documented in deploy/emulator/README.md.
/// </summary>
internal static class TestSurfaceRoutes
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/_emulator");
        Map(group, HttpMethods.Get, "/health", (_, _) => Task.FromResult(ApiResult.Json(new WireHealth("ok"), ApiJsonContext.Default.WireHealth)));
        Map(group, HttpMethods.Post, "/secrets/verify", VerifySecretAsync);
        Map(group, HttpMethods.Get, "/calls", (_, runtime) => Task.FromResult(Calls(runtime)));
        Map(group, HttpMethods.Delete, "/calls", (_, runtime) =>
        {
            runtime.Calls.Reset();
            return Task.FromResult(ApiResult.NoContent());
        });
        Map(group, HttpMethods.Get, "/faults", (_, runtime) => Task.FromResult(Faults(runtime)));
        Map(group, HttpMethods.Put, "/faults", ReplaceFaultsAsync);
        Map(group, HttpMethods.Post, "/faults", AddFaultAsync);
        Map(group, HttpMethods.Delete, "/faults", (_, runtime) =>
        {
            runtime.Faults.Clear();
            return Task.FromResult(ApiResult.NoContent());
        });
        Map(group, HttpMethods.Get, "/holds", (_, runtime) => Task.FromResult(Holds(runtime)));
        Map(group, HttpMethods.Post, "/holds", AddHoldAsync);
        Map(group, HttpMethods.Delete, "/holds", (_, runtime) =>
        {
            runtime.Holds.Clear();
            return Task.FromResult(ApiResult.NoContent());
        });
        Map(group, HttpMethods.Post, "/holds/release", ReleaseAsync);
        Map(group, HttpMethods.Get, "/deployments", (_, runtime) => Task.FromResult(Deployments(runtime)));
        Map(group, HttpMethods.Post, "/reset", (_, runtime) =>
        {
            runtime.Reset();
            return Task.FromResult(ApiResult.NoContent());
        });
    }

    private static void Map(RouteGroupBuilder group, string method, string pattern, Func<HttpContext, EmulatorRuntime, Task<ApiResult>> handler) =>
        group.MapMethods(pattern, [method], async http =>
        {
            var connection = http.Connection.RemoteIpAddress;
            if (connection is not null && !IPAddress.IsLoopback(connection))
            {
                await ApiPipeline.TryWriteAsync(http, ApiResult.Error(StatusCodes.Status403Forbidden, "The emulator test surface answers loopback callers only"));
                return;
            }

            ApiResult result;
            try
            {
                result = await handler(http, http.RequestServices.GetRequiredService<EmulatorRuntime>());
            }
            catch (EmulatorApiException ex)
            {
                result = ApiResult.Error(ex.Status, ex.Message);
            }

            await ApiPipeline.TryWriteAsync(http, result);
        });

    private static async Task<ApiResult> VerifySecretAsync(HttpContext http, EmulatorRuntime runtime)
    {
        var request = await ReadJsonAsync(http, ApiJsonContext.Default.WireVerifySecretRequest);
        var valid = runtime.State.IsCurrentSecret(request.ClientId ?? "", request.ClientSecret ?? "");
        return ApiResult.Json(new WireSecretVerification(valid), ApiJsonContext.Default.WireSecretVerification);
    }

    private static ApiResult Calls(EmulatorRuntime runtime) =>
        ApiResult.Json(
            new WireCalls([.. runtime.Calls.Snapshot().Select(c => new WireCallCount(c.DeploymentId, c.Operation, c.Count))]),
            ApiJsonContext.Default.WireCalls);

    private static ApiResult Faults(EmulatorRuntime runtime) =>
        ApiResult.Json(new WireFaultRules(runtime.Faults.Rules), ApiJsonContext.Default.WireFaultRules);

    private static async Task<ApiResult> ReplaceFaultsAsync(HttpContext http, EmulatorRuntime runtime)
    {
        var request = await ReadJsonAsync(http, ApiJsonContext.Default.WireFaultRulesRequest);
        try
        {
            runtime.Faults.Replace(request.Rules ?? []);
        }
        catch (ArgumentException ex)
        {
            throw EmulatorApiException.BadRequest(ex.Message);
        }

        return Faults(runtime);
    }

    private static async Task<ApiResult> AddFaultAsync(HttpContext http, EmulatorRuntime runtime)
    {
        var rule = await ReadJsonAsync(http, ApiJsonContext.Default.FaultRule);
        try
        {
            runtime.Faults.Add(rule);
        }
        catch (ArgumentException ex)
        {
            throw EmulatorApiException.BadRequest(ex.Message);
        }

        return Faults(runtime);
    }

    private static ApiResult Holds(EmulatorRuntime runtime) =>
        ApiResult.Json(new WireHolds(runtime.Holds.Rules, runtime.Holds.Held), ApiJsonContext.Default.WireHolds);

    private static async Task<ApiResult> AddHoldAsync(HttpContext http, EmulatorRuntime runtime)
    {
        var rule = await ReadJsonAsync(http, ApiJsonContext.Default.HoldRule);
        try
        {
            return ApiResult.Json(runtime.Holds.Add(rule), ApiJsonContext.Default.HoldRule);
        }
        catch (ArgumentException ex)
        {
            throw EmulatorApiException.BadRequest(ex.Message);
        }
    }

    /// <summary>Releases one held call (<c>{"id":N}</c>) or all (<c>{}</c>) and answers once each has been executed and answered.</summary>
    private static async Task<ApiResult> ReleaseAsync(HttpContext http, EmulatorRuntime runtime)
    {
        var request = http.Request.ContentLength is 0 ? new WireReleaseRequest() : await ReadJsonAsync(http, ApiJsonContext.Default.WireReleaseRequest);
        IReadOnlyList<ReleasedCall> released;
        if (request.Id is { } id)
        {
            try
            {
                released = [await runtime.Holds.ReleaseAsync(id, http.RequestAborted)];
            }
            catch (KeyNotFoundException ex)
            {
                throw EmulatorApiException.NotFound(ex.Message);
            }
        }
        else
        {
            released = await runtime.Holds.ReleaseAllAsync(http.RequestAborted);
        }

        return ApiResult.Json(new WireReleased(released), ApiJsonContext.Default.WireReleased);
    }

    private static ApiResult Deployments(EmulatorRuntime runtime) =>
        ApiResult.Json(
            new WireDeploymentSummaries([.. runtime.State.Deployments.Select(d =>
                new WireDeploymentSummary(d.Id, d.Name, d.Mode, d.AppCount, d.ClientCount, d.GrantCount))]),
            ApiJsonContext.Default.WireDeploymentSummaries);

    private static async Task<T> ReadJsonAsync<T>(HttpContext http, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(http.Request.Body, typeInfo, http.RequestAborted)
                ?? throw EmulatorApiException.BadRequest("body must be a JSON object");
        }
        catch (JsonException ex)
        {
            throw EmulatorApiException.BadRequest($"Failed to parse the request body as JSON: {ex.Message}");
        }
    }
}
