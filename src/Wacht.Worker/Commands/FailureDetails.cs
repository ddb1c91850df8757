using Wacht.Worker.Contracts;
using Wacht.Worker.Ledger;

namespace Wacht.Worker.Commands;

/// <summary>What a handler may use to build its failure event, beyond the <see cref="CommandFailure"/> itself.</summary>
/// <param name="Exception">The exception that ended the command, if one did.</param>
/// <param name="FieldErrors">With <see cref="ErrorCodes.InvalidCommand"/>: the offending fields.</param>
/// <param name="Record">
/// The command's ledger record as the ledger last told it (read again when the command fails), or null when the ledger
/// has no record of it or could not be read; see <paramref name="LedgerKnown"/>.
/// </param>
/// <param name="LedgerKnown">
/// False when the ledger could not be read at the end: whatever the command did is then unknown, and a handler must
/// assume the worst (for rotation: the old secret may already be dead).
/// </param>
/// <param name="SentBy">The validated broker user that sent the command, for the event's <c>SentBy</c>.</param>
internal sealed record FailureDetails(
    Exception? Exception,
    IReadOnlyList<FieldError> FieldErrors,
    CommandRecord? Record,
    bool LedgerKnown,
    string? SentBy);
