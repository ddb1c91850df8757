using System.Data.Common;
using Wacht.Client;

namespace Wacht.Worker.Ledger;

/// <summary>
/// Maps ledger rows (the column lists of <see cref="LedgerSchema"/>, in order) to records, for either provider: both
/// read uuids with <see cref="DbDataReader.GetGuid"/> and booleans with <see cref="DbDataReader.GetBoolean"/> (SQLite
/// converts its TEXT and INTEGER columns). Timestamps differ per provider, so the caller says how to read one.
/// </summary>
internal static class LedgerRows
{
    /// <summary>The command the query selects (<see cref="LedgerSchema.CommandColumns"/>), or null when there is none.</summary>
    internal static async Task<CommandRecord?> ReadCommandAsync(
        DbCommand command, Func<DbDataReader, int, DateTimeOffset> readTimestamp, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        RecordedOutcome? outcome = reader.IsDBNull(9)
            ? null
            : new RecordedOutcome(reader.GetBoolean(9), reader.GetString(10), reader.GetString(11), !reader.IsDBNull(12) && reader.GetBoolean(12));
        return new CommandRecord(
            reader.GetGuid(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            NullableString(reader, 4),
            LedgerStates.Parse(reader.GetString(5)),
            reader.GetInt32(6),
            readTimestamp(reader, 7),
            readTimestamp(reader, 8),
            outcome);
    }

    /// <summary>The state and retryable flag the query selects (<see cref="LedgerSchema.StateColumns"/>), or null when there is none.</summary>
    internal static async Task<(CommandState State, bool? Retryable)?> ReadStateAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return (LedgerStates.Parse(reader.GetString(0)), reader.IsDBNull(1) ? null : reader.GetBoolean(1));
    }

    /// <summary>The timestamp in the first column of the query's first row, or null when there is no row or it is NULL.</summary>
    internal static async Task<DateTimeOffset?> ReadNullableTimestampAsync(
        DbCommand command, Func<DbDataReader, int, DateTimeOffset> readTimestamp, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || reader.IsDBNull(0))
        {
            return null;
        }

        return readTimestamp(reader, 0);
    }

    /// <summary>The pending secret the query selects (<see cref="LedgerSchema.PendingSecretColumns"/>), decrypted, or null when there is none.</summary>
    internal static async Task<PendingSecret?> ReadPendingSecretAsync(
        DbCommand command, Func<DbDataReader, int, DateTimeOffset> readTimestamp, SecretProtector protector, Guid commandId,
        CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var clientId = reader.GetString(0);
        var blob = reader.GetFieldValue<byte[]>(1);
        var issuedAt = readTimestamp(reader, 2);
        return new PendingSecret(clientId, new ClientSecret(protector.Unprotect(blob, commandId)), issuedAt);
    }

    /// <summary>The rotations the query selects (<see cref="LedgerSchema.RotationColumns"/>), in its order.</summary>
    internal static Task<List<RotationRecord>> ReadRotationsAsync(
        DbCommand command, Func<DbDataReader, int, DateTimeOffset> readTimestamp, CancellationToken cancellationToken)
        => ReadAllAsync(command, reader => new RotationRecord(
            reader.GetGuid(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetString(4),
            readTimestamp(reader, 5),
            reader.GetString(6),
            NullableString(reader, 7),
            NullableString(reader, 8),
            reader.GetString(9),
            reader.GetString(10),
            reader.GetString(11)), cancellationToken);

    /// <summary>The job runs the query selects (<see cref="LedgerSchema.JobRunColumns"/>), in its order.</summary>
    internal static Task<List<JobRunRecord>> ReadJobRunsAsync(
        DbCommand command, Func<DbDataReader, int, DateTimeOffset> readTimestamp, CancellationToken cancellationToken)
        => ReadAllAsync(command, reader => new JobRunRecord(
            reader.GetGuid(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetBoolean(3),
            reader.IsDBNull(4) ? null : readTimestamp(reader, 4),
            readTimestamp(reader, 5),
            readTimestamp(reader, 6),
            reader.GetString(7),
            reader.GetBoolean(8),
            reader.GetString(9)), cancellationToken);

    /// <summary>The published findings the query selects (<see cref="LedgerSchema.PublishedFindingColumns"/>), in its order.</summary>
    internal static Task<List<PublishedFinding>> ReadPublishedFindingsAsync(
        DbCommand command, Func<DbDataReader, int, DateTimeOffset> readTimestamp, CancellationToken cancellationToken)
        => ReadAllAsync(command, reader => new PublishedFinding(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetString(4),
            readTimestamp(reader, 5)), cancellationToken);

    /// <summary>Every row the command selects, mapped by <paramref name="map"/>.</summary>
    private static async Task<List<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
