using Microsoft.Extensions.Logging;

namespace Wacht.Worker.Ledger;

/// <summary>The ledger's log messages. None carries a key, a password or a secret.</summary>
internal static partial class LedgerLog
{
    [LoggerMessage(EventId = 2001, EventName = "LedgerReady", Level = LogLevel.Information,
        Message = "Ledger ready: provider {Provider}, {Location}, schema version {SchemaVersion}, secret encryption {Encryption}")]
    public static partial void LedgerReady(ILogger logger, LedgerProvider provider, string location, int schemaVersion, string encryption);

    [LoggerMessage(EventId = 2002, EventName = "LedgerAdvisoryLockNotHeld", Level = LogLevel.Warning,
        Message = "Releasing client lock {LockKey}: PostgreSQL reports the advisory lock was not held by this session")]
    public static partial void AdvisoryLockNotHeld(ILogger logger, long lockKey);

    [LoggerMessage(EventId = 2003, EventName = "LedgerAdvisoryUnlockFailed", Level = LogLevel.Warning,
        Message = "Releasing client lock {LockKey} failed ({FailureType}); the connection is discarded, which releases the lock")]
    public static partial void AdvisoryUnlockFailed(ILogger logger, long lockKey, string failureType);
}
