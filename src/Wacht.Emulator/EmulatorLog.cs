namespace Wacht.Emulator;

internal static partial class EmulatorLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Emulator handler for {Operation} failed")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string operation);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Wacht emulator listening on {Address}")]
    public static partial void Listening(ILogger logger, string address);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Deployment {DeploymentId} ({Name}, {Mode}): {Apps} apps, {Clients} clients, {Grants} grants")]
    public static partial void DeploymentLoaded(ILogger logger, string deploymentId, string name, string mode, int apps, int clients, int grants);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Seed {Source} loaded in {ElapsedMs} ms")]
    public static partial void SeedLoaded(ILogger logger, string source, long elapsedMs);
}
