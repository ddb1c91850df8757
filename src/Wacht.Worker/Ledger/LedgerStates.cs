namespace Wacht.Worker.Ledger;

/// <summary>
/// The stored names of <see cref="CommandState"/> (its lower-case name, e.g. <c>pendingdelivery</c>) and the
/// transitions both ledgers enforce.
/// </summary>
internal static class LedgerStates
{
    internal static string ToText(CommandState state) => state switch
    {
        CommandState.Received => "received",
        CommandState.Rotating => "rotating",
        CommandState.PendingDelivery => "pendingdelivery",
        CommandState.Succeeded => "succeeded",
        CommandState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown command state."),
    };

    internal static CommandState Parse(string text) => text switch
    {
        "received" => CommandState.Received,
        "rotating" => CommandState.Rotating,
        "pendingdelivery" => CommandState.PendingDelivery,
        "succeeded" => CommandState.Succeeded,
        "failed" => CommandState.Failed,
        _ => throw new InvalidOperationException($"The ledger holds an unknown command state '{text}'."),
    };

    internal static bool IsTerminal(CommandState state) => state is CommandState.Succeeded or CommandState.Failed;

    /// <summary>Throws unless <paramref name="state"/> allows calling rotate (again, after an unknown outcome).</summary>
    internal static void EnsureCanMarkRotating(Guid commandId, CommandState? state)
    {
        if (state is not (CommandState.Received or CommandState.Rotating))
        {
            throw new LedgerStateException(commandId, state, "MarkRotatingAsync");
        }
    }

    /// <summary>Throws unless <paramref name="state"/> allows recording an intent (before a first call, or again after an unknown outcome).</summary>
    internal static void EnsureCanRecordIntent(Guid commandId, CommandState? state)
    {
        if (state is not (CommandState.Received or CommandState.Rotating))
        {
            throw new LedgerStateException(commandId, state, "RecordIntentAsync");
        }
    }

    internal static void EnsureCanSettleRotate(Guid commandId, CommandState? state)
    {
        if (state is not CommandState.Rotating)
        {
            throw new LedgerStateException(commandId, state, "SettleRotateAsync");
        }
    }

    internal static void EnsureCanStorePendingSecret(Guid commandId, CommandState? state)
    {
        if (state is not CommandState.Rotating)
        {
            throw new LedgerStateException(commandId, state, "StorePendingSecretAsync");
        }
    }

    internal static void EnsureCanAbandonPendingSecret(Guid commandId, CommandState? state)
    {
        if (state is not CommandState.PendingDelivery)
        {
            throw new LedgerStateException(commandId, state, "AbandonPendingSecretAsync");
        }
    }

    internal static void EnsureNotTerminal(Guid commandId, CommandState? state, string operation)
    {
        if (state is null || IsTerminal(state.Value))
        {
            throw new LedgerStateException(commandId, state, operation);
        }
    }

    internal static void EnsureCanReopen(Guid commandId, CommandState? state, bool? retryable)
    {
        if (state is not CommandState.Failed || retryable != true)
        {
            throw new LedgerStateException(commandId, state, "ReopenAsync (only a failure recorded as retryable can be re-opened)");
        }
    }

    internal static void EnsureRotationMatches(Guid commandId, RotationRecord rotation)
    {
        ArgumentNullException.ThrowIfNull(rotation);
        if (rotation.CommandId != commandId)
        {
            throw new ArgumentException($"The rotation record belongs to command {rotation.CommandId}, not {commandId}.", nameof(rotation));
        }
    }

    internal static void EnsureChangeMatches(Guid commandId, SigningKeyChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.CommandId != commandId)
        {
            throw new ArgumentException($"The signing-key change belongs to command {change.CommandId}, not {commandId}.", nameof(change));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(change.DeploymentId, nameof(change));
        ArgumentException.ThrowIfNullOrWhiteSpace(change.AppSlug, nameof(change));
        ArgumentException.ThrowIfNullOrWhiteSpace(change.Kid, nameof(change));
        ArgumentException.ThrowIfNullOrWhiteSpace(change.Trigger, nameof(change));
        if (change.Kind is not (SigningKeyChange.Rotate or SigningKeyChange.Compromise))
        {
            throw new ArgumentException($"A signing-key change is '{SigningKeyChange.Rotate}' or '{SigningKeyChange.Compromise}', not '{change.Kind}'.", nameof(change));
        }
    }

    /// <summary>Throws unless both parts of an app's key (signing-key queries) are given.</summary>
    internal static void EnsureValidApp(string deploymentId, string appSlug)
    {
        ArgumentNullException.ThrowIfNull(deploymentId);
        ArgumentNullException.ThrowIfNull(appSlug);
    }

    /// <summary>The terminal state an outcome records.</summary>
    internal static string TerminalText(RecordedOutcome outcome) =>
        ToText(outcome.Succeeded ? CommandState.Succeeded : CommandState.Failed);

    /// <summary>Throws unless <paramref name="outcome"/> is a success (what CompleteRotationAsync records).</summary>
    internal static void EnsureSuccess(RecordedOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (!outcome.Succeeded)
        {
            throw new ArgumentException("CompleteRotationAsync and CompleteSigningKeyChangeAsync record a success; record a failure with CompleteAsync.", nameof(outcome));
        }
    }

    internal static void EnsureValid(PendingSecret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentException.ThrowIfNullOrWhiteSpace(secret.ClientId, nameof(secret));
    }

    /// <summary>Throws unless both parts of a client's key (rotation history queries) are given.</summary>
    internal static void EnsureValidClient(string deploymentId, string oauthClientId)
    {
        ArgumentNullException.ThrowIfNull(deploymentId);
        ArgumentNullException.ThrowIfNull(oauthClientId);
    }

    internal static void EnsureValid(CommandStart start)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentException.ThrowIfNullOrWhiteSpace(start.Kind, nameof(start));
        ArgumentException.ThrowIfNullOrWhiteSpace(start.DeploymentId, nameof(start));
        ArgumentException.ThrowIfNullOrWhiteSpace(start.AppSlug, nameof(start));
        ArgumentException.ThrowIfNullOrWhiteSpace(start.Trigger, nameof(start));
    }

    internal static void EnsureValid(JobRunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrWhiteSpace(run.Job, nameof(run));
        ArgumentException.ThrowIfNullOrWhiteSpace(run.Trigger, nameof(run));
        ArgumentException.ThrowIfNullOrWhiteSpace(run.Instance, nameof(run));
        ArgumentNullException.ThrowIfNull(run.SummaryJson, nameof(run));
    }

    /// <summary>Throws unless every finding names its deployment, client, grant, kind and detail hash.</summary>
    internal static void EnsureValid(IReadOnlyList<PublishedFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        foreach (var finding in findings)
        {
            ArgumentNullException.ThrowIfNull(finding, nameof(findings));
            ArgumentException.ThrowIfNullOrWhiteSpace(finding.DeploymentId, nameof(findings));
            ArgumentException.ThrowIfNullOrWhiteSpace(finding.OAuthClientId, nameof(findings));
            ArgumentException.ThrowIfNullOrWhiteSpace(finding.GrantId, nameof(findings));
            ArgumentException.ThrowIfNullOrWhiteSpace(finding.Kind, nameof(findings));
            ArgumentNullException.ThrowIfNull(finding.DetailHash, nameof(findings));
        }
    }
}
