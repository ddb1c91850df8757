using Wacht.Worker.Contracts;

namespace Wacht.Worker.Commands;

/// <summary>
/// What one kind of command does; <see cref="CommandConsumer{TCommand, TSucceeded, TFailed}"/> runs it through the
/// shared pipeline (validation, authorisation, deployment check, lock, ledger, retries, result events). A handler is
/// found by its type (see <c>MessagingServiceCollectionExtensions.AddWachtConsumers</c>), so a new command is its
/// contracts plus one handler in its own folder.
/// </summary>
/// <typeparam name="TCommand">The command message.</typeparam>
/// <typeparam name="TSucceeded">Its success event.</typeparam>
/// <typeparam name="TFailed">Its failure event.</typeparam>
internal interface ICommandHandler<TCommand, TSucceeded, TFailed>
    where TCommand : class, IWachtCommand
    where TSucceeded : class, ICommandEvent
    where TFailed : class, ICommandFailedEvent
{
    /// <summary>The ledger's kind and the command queue's name, e.g. <c>rotate-secret</c>.</summary>
    string Kind { get; }

    /// <summary>
    /// What the command acts on. Called for every message, valid or not (it also chooses the message's partition), so
    /// it must not throw on missing fields.
    /// </summary>
    CommandTarget Target(TCommand command);

    /// <summary>Checks the fields beyond the common ones (<see cref="CommandFields.Common"/>), adding each problem to <paramref name="fields"/>.</summary>
    void Validate(TCommand command, CommandFields fields);

    /// <summary>
    /// The fields that decide what the command does (not the audit texts), for <see cref="CommandFingerprint"/>: a
    /// command id that comes back with other such fields is refused with <c>command_id_conflict</c>.
    /// </summary>
    IEnumerable<string?> MeaningfulFields(TCommand command);

    /// <summary>Executes a valid, authorised command under its target's lock. Throws to fail (see <see cref="CommandFailure.From"/>).</summary>
    Task<CommandResult<TSucceeded>> ExecuteAsync(TCommand command, CommandExecution execution, CancellationToken cancellationToken);

    /// <summary>The failure event for <paramref name="failure"/>.</summary>
    TFailed Failed(TCommand command, CommandFailure failure, FailureDetails details);
}
