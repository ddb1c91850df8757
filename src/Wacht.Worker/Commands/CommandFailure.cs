using System.Net;
using Wacht.Client;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Commands;

/// <summary>How a command failed: the event's error code and message, and what retrying can do about it.</summary>
/// <param name="Code">One of <see cref="ErrorCodes"/>.</param>
/// <param name="Message">For people; never contains a secret or key (Wacht exceptions are redacted at the source).</param>
/// <param name="Retryable">Whether sending the command again later could succeed (reported in the event).</param>
/// <param name="Transient">Whether to retry now, in process, within the retry budget.</param>
internal sealed record CommandFailure(string Code, string Message, bool Retryable, bool Transient)
{
    /// <summary>Maps an exception raised while executing a command against Wacht.</summary>
    public static CommandFailure From(Exception exception) => exception switch
    {
        WachtDeploymentNotConfiguredException e => new(ErrorCodes.UnknownDeployment, e.Message, false, false),
        // The client refused to send a value that could not reach its endpoint as one path segment. The worker's own
        // validation refuses such commands first; this catches a value it let through (or one read from Wacht, such
        // as a scope the app already has). Nothing was sent, and sending it again cannot help.
        WachtArgumentException e => new(ErrorCodes.InvalidCommand, e.Message, false, false),
        WachtNotFoundException e => new(ErrorCodes.NotFound, e.Message, false, false),
        WachtUnauthorizedException or WachtForbiddenException =>
            // The worker's API key was refused: an operator can fix it, so a later retry can help; retrying now cannot.
            new(ErrorCodes.Unauthorized, exception.Message, true, false),
        // A response that cannot be read: for rotate this means a secret may have been issued and lost, which is the
        // same situation as an unknown outcome (rotate again). For reads, a garbled body is a server-side fault.
        WachtResponseFormatException e => new(ErrorCodes.WachtUnavailable, e.Message, true, true),
        WachtException { IsTransient: true } e => new(ErrorCodes.WachtUnavailable, e.Message, true, true),
        WachtException { StatusCode: HttpStatusCode.BadRequest or HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity } e =>
            new(ErrorCodes.Rejected, e.Message, false, false),
        WachtException e => new(ErrorCodes.Rejected, e.Message, false, false),
        // The ledger's database failed (busy, failover, network): the command's state is intact, so try again.
        System.Data.Common.DbException or TimeoutException or Ledger.ClientLockLostException =>
            new(ErrorCodes.InternalError, $"The worker's ledger or lock failed ({exception.GetType().Name}); retrying may help.", true, true),
        _ => new(ErrorCodes.InternalError, $"Unexpected {exception.GetType().Name} in the worker; see its logs.", true, false),
    };
}
