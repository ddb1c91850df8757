namespace Wacht.Emulator;

/// <summary>Maps the emulator's endpoints (shared by Program.cs and <see cref="WachtEmulator.StartAsync"/>).</summary>
public static class EmulatorEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the 18 contract endpoints in both path styles, the app runtime endpoints (introspect, revoke; the Host
    /// selects the app), the <c>/_emulator</c> test surface, and a fallback that answers every other path (and a wrong
    /// method on a known path) with a 404 envelope.
    /// </summary>
    public static IEndpointRouteBuilder MapWachtEmulator(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var runtime = endpoints.ServiceProvider.GetRequiredService<EmulatorRuntime>();
        endpoints.ServiceProvider.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(runtime.Stopping.Cancel);

        OAuthRoutes.Map(endpoints);
        RuntimeRoutes.Map(endpoints);
        TestSurfaceRoutes.Map(endpoints);
        endpoints.Map("{**path}", http => ApiPipeline.TryWriteAsync(http, ApiResult.Error(StatusCodes.Status404NotFound, "Not found")))
            .WithOrder(int.MaxValue);
        return endpoints;
    }
}
