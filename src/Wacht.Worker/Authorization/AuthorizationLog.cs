using Microsoft.Extensions.Logging;

namespace Wacht.Worker.Authorization;

/// <summary>Authorisation log events. User names and command names only.</summary>
internal static partial class AuthorizationLog
{
    [LoggerMessage(EventId = 3300, Level = LogLevel.Warning, Message = "{Command} command refused by the authorisation policy: {Reason}")]
    public static partial void Forbidden(ILogger logger, string command, string reason);
}
