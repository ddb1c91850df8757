using Wacht.Client;

namespace Wacht.Worker.Ledger.Sql;

/// <summary>
/// The rows Dapper reads (columns aliased to these property names by <see cref="LedgerSql"/>). A column whose value
/// differs in type between the databases (ids, timestamps, integers, booleans) is read as <see cref="object"/> and
/// converted by the <see cref="LedgerDialect"/>; text and blobs are the same on both.
/// </summary>
internal static class LedgerRows
{
    internal sealed class Command
    {
        public object CommandId { get; set; } = null!;

        public string Kind { get; set; } = null!;

        public string DeploymentId { get; set; } = null!;

        public string AppSlug { get; set; } = null!;

        public string? TargetId { get; set; }

        public string State { get; set; } = null!;

        public object RotateCalls { get; set; } = null!;

        public object CreatedAt { get; set; } = null!;

        public object UpdatedAt { get; set; } = null!;

        public object? OutcomeSucceeded { get; set; }

        public string? OutcomeType { get; set; }

        public string? OutcomeJson { get; set; }

        public object? OutcomeRetryable { get; set; }

        public string? Fingerprint { get; set; }

        public string? ValidatedUser { get; set; }

        public string? Intent { get; set; }

        public object? RotateInFlightUntil { get; set; }

        public string? Route { get; set; }

        public string? Destination { get; set; }

        public string? DestinationKey { get; set; }

        public CommandRecord ToRecord(LedgerDialect dialect)
        {
            RecordedOutcome? outcome = OutcomeSucceeded is null
                ? null
                : new RecordedOutcome(
                    LedgerDialect.ReadBoolean(OutcomeSucceeded),
                    OutcomeType!,
                    OutcomeJson!,
                    OutcomeRetryable is not null && LedgerDialect.ReadBoolean(OutcomeRetryable));
            return new CommandRecord(
                dialect.ReadId(CommandId),
                Kind,
                DeploymentId,
                AppSlug,
                TargetId,
                LedgerStates.Parse(State),
                LedgerDialect.ReadInt32(RotateCalls),
                dialect.ReadTimestamp(CreatedAt),
                dialect.ReadTimestamp(UpdatedAt),
                outcome,
                Fingerprint,
                ValidatedUser,
                RotateInFlightUntil is null ? null : dialect.ReadTimestamp(RotateInFlightUntil),
                Route,
                Destination,
                DestinationKey,
                Intent);
        }
    }

    internal sealed class CommandId
    {
        public object Value { get; set; } = null!;
    }

    internal sealed class State
    {
        public string Value { get; set; } = null!;

        public object? Retryable { get; set; }

        public CommandState Parsed => LedgerStates.Parse(Value);

        public bool? ParsedRetryable => Retryable is null ? null : LedgerDialect.ReadBoolean(Retryable);
    }

    internal sealed class Pending
    {
        public string ClientId { get; set; } = null!;

        public byte[] Secret { get; set; } = null!;

        public object IssuedAt { get; set; } = null!;

        public PendingSecret ToSecret(LedgerDialect dialect, SecretProtector protector, Guid commandId) =>
            new(ClientId, new ClientSecret(protector.Unprotect(Secret, commandId)), dialect.ReadTimestamp(IssuedAt));
    }

    internal sealed class Rotation
    {
        public object CommandId { get; set; } = null!;

        public string DeploymentId { get; set; } = null!;

        public string AppSlug { get; set; } = null!;

        public string OAuthClientId { get; set; } = null!;

        public string ClientId { get; set; } = null!;

        public object RotatedAt { get; set; } = null!;

        public string TriggerName { get; set; } = null!;

        public string? RequestedBy { get; set; }

        public string? Reason { get; set; }

        public string Destination { get; set; } = null!;

        public string DestinationKey { get; set; } = null!;

        public string SecretFingerprint { get; set; } = null!;

        public string? SentBy { get; set; }

        public string? Route { get; set; }

        public object? VerifiedAt { get; set; }

        public RotationRecord ToRecord(LedgerDialect dialect) => new(
            dialect.ReadId(CommandId),
            DeploymentId,
            AppSlug,
            OAuthClientId,
            ClientId,
            dialect.ReadTimestamp(RotatedAt),
            TriggerName,
            RequestedBy,
            Reason,
            Destination,
            DestinationKey,
            SecretFingerprint,
            SentBy,
            Route,
            VerifiedAt is null ? null : dialect.ReadTimestamp(VerifiedAt));
    }

    internal sealed class SigningKeyChange
    {
        public object CommandId { get; set; } = null!;

        public string DeploymentId { get; set; } = null!;

        public string AppSlug { get; set; } = null!;

        public string Kind { get; set; } = null!;

        public string Kid { get; set; } = null!;

        public string? PreviousKid { get; set; }

        public string? ActiveKid { get; set; }

        public object ChangedAt { get; set; } = null!;

        public string TriggerName { get; set; } = null!;

        public string? RequestedBy { get; set; }

        public string? Reason { get; set; }

        public Ledger.SigningKeyChange ToRecord(LedgerDialect dialect) => new(
            dialect.ReadId(CommandId),
            DeploymentId,
            AppSlug,
            Kind,
            Kid,
            PreviousKid,
            ActiveKid,
            dialect.ReadTimestamp(ChangedAt),
            TriggerName,
            RequestedBy,
            Reason);
    }

    internal sealed class Sighting
    {
        public string DeploymentId { get; set; } = null!;

        public string AppSlug { get; set; } = null!;

        public string Kid { get; set; } = null!;

        public object FirstSeenAt { get; set; } = null!;

        public object LastSeenAt { get; set; } = null!;

        public object? CreatedAfter { get; set; }

        public SigningKeySighting ToRecord(LedgerDialect dialect) => new(
            DeploymentId,
            AppSlug,
            Kid,
            dialect.ReadTimestamp(FirstSeenAt),
            dialect.ReadTimestamp(LastSeenAt),
            CreatedAfter is null ? null : dialect.ReadTimestamp(CreatedAfter));
    }

    internal sealed class JobRun
    {
        public object RunId { get; set; } = null!;

        public string Job { get; set; } = null!;

        public string TriggerName { get; set; } = null!;

        public object DryRun { get; set; } = null!;

        public object? ScheduledFireAt { get; set; }

        public object StartedAt { get; set; } = null!;

        public object FinishedAt { get; set; } = null!;

        public string Instance { get; set; } = null!;

        public object Succeeded { get; set; } = null!;

        public string SummaryJson { get; set; } = null!;

        public JobRunRecord ToRecord(LedgerDialect dialect) => new(
            dialect.ReadId(RunId),
            Job,
            TriggerName,
            LedgerDialect.ReadBoolean(DryRun),
            ScheduledFireAt is null ? null : dialect.ReadTimestamp(ScheduledFireAt),
            dialect.ReadTimestamp(StartedAt),
            dialect.ReadTimestamp(FinishedAt),
            Instance,
            LedgerDialect.ReadBoolean(Succeeded),
            SummaryJson);
    }

    internal sealed class Finding
    {
        public string DeploymentId { get; set; } = null!;

        public string OAuthClientId { get; set; } = null!;

        public string GrantId { get; set; } = null!;

        public string Kind { get; set; } = null!;

        public string DetailHash { get; set; } = null!;

        public object LastPublishedAt { get; set; } = null!;

        public PublishedFinding ToRecord(LedgerDialect dialect) =>
            new(DeploymentId, OAuthClientId, GrantId, Kind, DetailHash, dialect.ReadTimestamp(LastPublishedAt));
    }
}
