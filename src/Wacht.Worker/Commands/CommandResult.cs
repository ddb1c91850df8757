using Wacht.Worker.Contracts;

namespace Wacht.Worker.Commands;

/// <summary>The success event of an executed command.</summary>
/// <param name="Event">The event to publish (and answer with).</param>
/// <param name="RecordedInLedger">True when the execution already recorded the outcome itself (rotation does, atomically with erasing the secret).</param>
internal sealed record CommandResult<TSucceeded>(TSucceeded Event, bool RecordedInLedger = false)
    where TSucceeded : class, ICommandEvent;
