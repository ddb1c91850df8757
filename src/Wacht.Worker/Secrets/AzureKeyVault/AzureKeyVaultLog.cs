using Microsoft.Extensions.Logging;

namespace Wacht.Worker.Secrets.AzureKeyVault;

/// <summary>The Azure Key Vault destination's log messages. None carries a secret or a token.</summary>
internal static partial class AzureKeyVaultLog
{
    [LoggerMessage(EventId = 2151, EventName = "KeyVaultOlderWrittenAfter", Level = LogLevel.Information,
        Message = "Destination {Destination}: an older secret was written to {Key} after the newest one (command {NewestCommandId}); writing the newest again (round {Round})")]
    public static partial void OlderWrittenAfter(ILogger logger, string destination, string key, Guid newestCommandId, int round);

    [LoggerMessage(EventId = 2152, EventName = "KeyVaultSecretWithoutStamp", Level = LogLevel.Warning,
        Message = "Destination {Destination}: secret {Key} (version {Version}) has no tags or value written by the worker; it is replaced")]
    public static partial void SecretWithoutStamp(ILogger logger, string destination, string key, string version);
}
