using Microsoft.Extensions.Logging;

namespace Wacht.Worker.Secrets.Vault;

/// <summary>The Vault destination's log messages. None carries a secret or a token.</summary>
internal static partial class VaultLog
{
    [LoggerMessage(EventId = 2131, EventName = "VaultCasMismatch", Level = LogLevel.Information,
        Message = "Destination {Destination}: secret {Key} changed after version {Version} was read (check-and-set, attempt {Attempt}); reading it again")]
    public static partial void CasMismatch(ILogger logger, string destination, string key, int version, int attempt);

    [LoggerMessage(EventId = 2132, EventName = "VaultSecretWithoutStamp", Level = LogLevel.Warning,
        Message = "Destination {Destination}: secret {Key} (version {Version}) has no rotated_at and command_id written by the worker; its client_secret is replaced")]
    public static partial void SecretWithoutStamp(ILogger logger, string destination, string key, int version);
}
