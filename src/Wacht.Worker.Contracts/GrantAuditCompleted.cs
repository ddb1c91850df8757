using MassTransit;

namespace Wacht.Worker.Contracts;

/// <summary>Event: one run of the grant audit finished. The same summary is recorded in the worker's ledger.</summary>
[MessageUrn("wacht-worker:grant-audit-completed:v1")]
[EntityName("wacht-worker.grant-audit-completed")]
public sealed record GrantAuditCompleted
{
    public Guid RunId { get; init; }

    /// <summary>One of <see cref="JobTriggers"/>.</summary>
    public string Trigger { get; init; } = JobTriggers.Schedule;

    /// <summary>True when no RevokeGrant command was sent (findings are still reported).</summary>
    public bool DryRun { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset FinishedAt { get; init; }

    public int Deployments { get; init; }

    public int Apps { get; init; }

    public int Clients { get; init; }

    public int Grants { get; init; }

    /// <summary>Findings this run, by kind (keys are <see cref="FindingKinds.All"/>), whether or not they were re-published.</summary>
    public IReadOnlyDictionary<string, int> FindingsByKind { get; init; } = new Dictionary<string, int>();

    /// <summary>GrantAuditFinding and CredentialAuditFinding events published this run.</summary>
    public int FindingsPublished { get; init; }

    /// <summary>Findings already reported, unchanged, within the re-publish interval: not published again.</summary>
    public int FindingsSuppressed { get; init; }

    /// <summary>RevokeGrant commands sent (trigger <c>audit</c>); in a dry run, that would have been sent.</summary>
    public int RevocationsRequested { get; init; }

    /// <summary>Revocations left for the next run by the per-run cap.</summary>
    public int RevocationsDeferred { get; init; }

    /// <summary>Grants not sent again today because today's RevokeGrant for them failed for good (retried the next day).</summary>
    public int RevocationsFailed { get; init; }

    public IReadOnlyList<JobError> Errors { get; init; } = [];
}
