using Wacht.Client;
using Wacht.Worker.Contracts;
using Wacht.Worker.Jobs;
using Wacht.Worker.Ledger;
using Wacht.Worker.Rotation;
using Wacht.Worker.SigningKeys;

namespace Wacht.Worker.Grants;

/// <summary>One thing wrong with an app's signing keys or a client's secret, as <see cref="CredentialAuditRules"/> finds it.</summary>
/// <param name="Kind">One of <see cref="FindingKinds.Credential"/>.</param>
/// <param name="Detail">Deterministic text (invariant ISO-8601 UTC times), so its hash is stable while nothing changes.</param>
/// <param name="Kid">The signing key, for <see cref="FindingKinds.CompromisedSigningKeyListed"/>.</param>
/// <param name="RotateCommandId">For <see cref="FindingKinds.SecretNeverRotated"/>: the rotation sweep's RotateSecret id for the window.</param>
public sealed record CredentialRuleFinding(string Kind, string Detail, string? Kid = null, Guid? RotateCommandId = null);

/// <summary>
/// The audit's rules about credentials, pure like <see cref="GrantAuditRules"/>: the same inputs always give the same
/// findings, in <see cref="FindingKinds.Credential"/> order.
/// </summary>
public static class CredentialAuditRules
{
    /// <summary>
    /// An app's signing keys as listed, against the worker's signing-key history (newest first):
    /// <see cref="FindingKinds.SigningKeyMissing"/> when an active app lists no active key, and one
    /// <see cref="FindingKinds.CompromisedSigningKeyListed"/> per listed key that says <c>compromised</c> or that this
    /// worker compromised (the platform stops listing a compromised key, so either means it may still be published).
    /// </summary>
    public static IReadOnlyList<CredentialRuleFinding> EvaluateSigningKeys(OAuthApp app, IReadOnlyList<SigningKey> keys, IReadOnlyList<SigningKeyChange> history)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(history);
        var findings = new List<CredentialRuleFinding>();
        if (app.IsActive && SigningKeyCommands.ActiveKey(keys) is null)
        {
            var listed = keys.Count == 0 ? "lists no signing key" : $"lists no active signing key ({SigningKeyCommands.Describe(keys)})";
            findings.Add(new CredentialRuleFinding(FindingKinds.SigningKeyMissing, $"app {app.Slug} {listed}"));
        }

        foreach (var key in keys.OrderBy(static k => k.Kid, StringComparer.Ordinal))
        {
            var compromise = history.FirstOrDefault(c =>
                c.Kind == SigningKeyChange.Compromise && string.Equals(c.Kid, key.Kid, StringComparison.Ordinal));
            if (compromise is not null)
            {
                findings.Add(new CredentialRuleFinding(
                    FindingKinds.CompromisedSigningKeyListed,
                    $"signing key {key.Kid} is listed as {key.Status}; this worker marked it compromised (command {compromise.CommandId}, {GrantAuditRules.Format(compromise.ChangedAt)})",
                    key.Kid));
            }
            else if (string.Equals(key.Status, SigningKeyCommands.Compromised, StringComparison.Ordinal))
            {
                findings.Add(new CredentialRuleFinding(
                    FindingKinds.CompromisedSigningKeyListed, $"signing key {key.Kid} is listed with status compromised", key.Kid));
            }
        }

        return findings;
    }

    /// <summary>
    /// <see cref="FindingKinds.SecretNeverRotated"/> for a client the rotation sweep could rotate (active app and client,
    /// an auth method with a secret) that the ledger has never rotated (<paramref name="lastRotation"/> is null) and
    /// whose <c>created_at</c> is at least <see cref="RotationSweepOptions.MaxSecretAge"/> ago: exactly the clients the
    /// sweep finds due with the age taken from <c>created_at</c>. The finding names the RotateSecret command id the sweep
    /// uses for the client in the window of <paramref name="now"/> (<see cref="RotationPolicy.CommandId"/>), unless the
    /// sweep's filters leave the client out. Null when the client is not such a client.
    /// </summary>
    public static CredentialRuleFinding? EvaluateSecret(
        string deploymentId,
        OAuthApp app,
        OAuthClient client,
        RotationRecord? lastRotation,
        DateTimeOffset now,
        RotationSweepOptions sweep,
        TargetFilter sweepFilter)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(sweepFilter);
        if (lastRotation is not null
            || RotationPolicy.Evaluate(deploymentId, app, client, null, now, sweep, TargetFilter.All).Verdict != RotationVerdict.Due)
        {
            return null;
        }

        var maxDays = sweep.MaxSecretAge.TotalDays.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
        var detail = $"secret never rotated by this worker; client created {GrantAuditRules.Format(client.CreatedAt)}, at least the maximum secret age ({maxDays} days) ago";
        if (!sweepFilter.Includes(deploymentId, app.Slug, client.Id, client.ClientId))
        {
            return new CredentialRuleFinding(
                FindingKinds.SecretNeverRotated, detail + "; the rotation sweep's filters (Worker:RotationSweep:Include/Exclude) leave it out");
        }

        var commandId = RotationPolicy.CommandId(deploymentId, client.Id, RotationPolicy.WindowStart(now, sweep.CommandWindow));
        return new CredentialRuleFinding(
            FindingKinds.SecretNeverRotated, $"{detail}; due for rotation: the rotation sweep's RotateSecret for this window is {commandId}", RotateCommandId: commandId);
    }
}
