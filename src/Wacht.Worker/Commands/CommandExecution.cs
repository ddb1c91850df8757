using Wacht.Client;
using Wacht.Worker.Ledger;

namespace Wacht.Worker.Commands;

/// <summary>What a command's execution gets from the pipeline.</summary>
/// <param name="Record">The command's ledger record as of this attempt.</param>
/// <param name="Wacht">The client for the command's deployment.</param>
/// <param name="Lock">The held lock on the command's target; check it before steps that must not overlap.</param>
/// <param name="SentBy">The validated broker user that sent the command, for the event's <c>SentBy</c>.</param>
internal sealed record CommandExecution(CommandRecord Record, IWachtClient Wacht, IClientLockHandle Lock, string? SentBy);
