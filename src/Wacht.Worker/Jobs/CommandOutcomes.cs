using System.Collections.Concurrent;
using System.Globalization;
using MassTransit;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Jobs;

/// <summary>
/// The result events of the commands an on-demand run sent, collected by a temporary receive endpoint that is
/// connected before the run starts (so no event is missed), keyed by command id.
/// </summary>
internal sealed class CommandOutcomes
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<CommandOutcome>> _outcomes = new();

    /// <summary>
    /// Handlers for the rotation results (<see cref="SecretRotated"/>, <see cref="SecretRotationFailed"/>, and the
    /// sweep's signing-key rotations: <see cref="SigningKeyRotated"/>, <see cref="SigningKeyRotationFailed"/>).
    /// </summary>
    public void HandleRotations(IReceiveEndpointConfigurator endpoint)
    {
        endpoint.Handler<SigningKeyRotated>(context => Add(new CommandOutcome(
            context.Message.CommandId,
            true,
            $"rotated the signing key of {context.Message.DeploymentId}/{context.Message.AppSlug}: {context.Message.Kid} active, {context.Message.PreviousKid ?? "(none)"} retired")));
        endpoint.Handler<SigningKeyRotationFailed>(context => Add(new CommandOutcome(
            context.Message.CommandId,
            false,
            $"signing-key rotation of {context.Message.DeploymentId}/{context.Message.AppSlug} failed: {context.Message.ErrorCode}: {context.Message.Message}"
            + (context.Message.RotateMayHaveBeenCalled ? " (rotate may have taken effect: re-drive the command, it will not rotate twice)" : "")
            + (context.Message.Retryable ? " (retryable)" : ""))));
        endpoint.Handler<SecretRotated>(context => Add(new CommandOutcome(
            context.Message.CommandId,
            true,
            $"rotated {context.Message.DeploymentId}/{context.Message.AppSlug}/{context.Message.ClientId}: secret at {context.Message.Destination}:{context.Message.DestinationKey}, fingerprint {context.Message.SecretFingerprint}")));
        endpoint.Handler<SecretRotationFailed>(context => Add(new CommandOutcome(
            context.Message.CommandId,
            false,
            $"rotation of {context.Message.DeploymentId}/{context.Message.AppSlug}/{context.Message.OAuthClientId} failed: {context.Message.ErrorCode}: {context.Message.Message}"
            + (context.Message.OldSecretMayBeInvalid ? " (the old secret may no longer work: re-drive the command)" : "")
            + (context.Message.Retryable ? " (retryable)" : ""))));
    }

    /// <summary>Handlers for the revocation results (<see cref="GrantRevoked"/>, <see cref="GrantRevocationFailed"/>).</summary>
    public void HandleRevocations(IReceiveEndpointConfigurator endpoint)
    {
        endpoint.Handler<GrantRevoked>(context => Add(new CommandOutcome(
            context.Message.CommandId,
            true,
            $"revoked grant {context.Message.GrantId} of {context.Message.DeploymentId}/{context.Message.AppSlug}/{context.Message.OAuthClientId}"
            + (context.Message.AlreadyRevoked ? " (it already was)" : ""))));
        endpoint.Handler<GrantRevocationFailed>(context => Add(new CommandOutcome(
            context.Message.CommandId,
            false,
            $"revocation of grant {context.Message.GrantId} of {context.Message.DeploymentId}/{context.Message.AppSlug}/{context.Message.OAuthClientId} failed: {context.Message.ErrorCode}: {context.Message.Message}"
            + (context.Message.Retryable ? " (retryable)" : ""))));
    }

    /// <summary>Waits up to <paramref name="timeout"/> for every command's outcome; a command without one is reported as timed out.</summary>
    public async Task<IReadOnlyList<CommandOutcome>> WaitAsync(IReadOnlyList<Guid> commandIds, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pending = commandIds.Distinct().Select(id => (Id: id, Task: Slot(id).Task)).ToList();
        try
        {
            await Task.WhenAll(pending.Select(p => p.Task)).WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Reported per command below.
        }

        return [.. pending.Select(p => p.Task.IsCompletedSuccessfully
            ? p.Task.Result
            : new CommandOutcome(p.Id, false, string.Create(CultureInfo.InvariantCulture, $"no result within {timeout.TotalSeconds:0} s"), TimedOut: true))];
    }

    private Task Add(CommandOutcome outcome)
    {
        Slot(outcome.CommandId).TrySetResult(outcome);
        return Task.CompletedTask;
    }

    private TaskCompletionSource<CommandOutcome> Slot(Guid commandId) =>
        _outcomes.GetOrAdd(commandId, static _ => new TaskCompletionSource<CommandOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>What became of one command: its result event in one line, or a timeout.</summary>
internal sealed record CommandOutcome(Guid CommandId, bool Succeeded, string Description, bool TimedOut = false)
{
    public string Line => $"{(Succeeded ? "OK     " : TimedOut ? "TIMEOUT" : "FAILED ")} {JobReportPrinter.ShortId(CommandId)}  {Description}";
}
