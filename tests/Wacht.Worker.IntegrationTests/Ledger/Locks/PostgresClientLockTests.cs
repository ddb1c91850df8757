using Npgsql;
using Wacht.Worker.Ledger;

namespace Wacht.Worker.IntegrationTests.Ledger;

/// <summary>
/// Two <see cref="PostgresClientLock"/>s with separate data sources stand for two worker instances. Waits here check
/// that an acquire has not completed; they are not timing goals.
/// </summary>
public sealed class PostgresClientLockTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private PostgresDatabase? _database;
    private PostgresClientLock? _instanceA;
    private PostgresClientLock? _instanceB;

    private PostgresClientLock A => _instanceA!;

    private PostgresClientLock B => _instanceB!;

    public async Task InitializeAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        _instanceA = new PostgresClientLock(_database.CreateDataSource()) { PollInterval = TimeSpan.FromMilliseconds(20) };
        _instanceB = new PostgresClientLock(_database.CreateDataSource()) { PollInterval = TimeSpan.FromMilliseconds(20) };
    }

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Fact]
    public async Task EnsureHeld_WhileTheSessionLives_Succeeds()
    {
        await using var held = await A.AcquireAsync("7283910238471/client-42", CancellationToken.None);

        await held.EnsureHeldAsync(CancellationToken.None);
    }

    [Fact]
    public async Task EnsureHeld_AfterTheSessionHoldingTheLockEnded_ThrowsLockLost_AndAnotherInstanceCanTakeIt()
    {
        var held = await A.AcquireAsync("7283910238471/client-42", CancellationToken.None);

        // The database ends A's session (as an idle timeout or a failover would): the server drops its advisory locks.
        // Only sessions of this test's database: the server is shared with tests running in parallel (a ledger
        // migrating under its advisory lock in another database was terminated too, failing that test at random).
        await using (var admin = _database!.CreateDataSource())
        await using (var terminate = admin.CreateCommand(
            """
            SELECT pg_terminate_backend(pid) FROM pg_locks
            WHERE locktype = 'advisory' AND pid <> pg_backend_pid()
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database());
            """))
        {
            await terminate.ExecuteNonQueryAsync();
        }

        await Assert.ThrowsAsync<ClientLockLostException>(() => held.EnsureHeldAsync(CancellationToken.None).AsTask());
        await using var takenByB = await B.AcquireAsync("7283910238471/client-42", CancellationToken.None).AsTask().WaitAsync(Patience);
        await held.DisposeAsync();
    }

    [Fact]
    public async Task Acquire_KeyHeldByAnotherInstance_WaitsUntilItIsReleased()
    {
        var heldByA = await A.AcquireAsync("7283910238471/client-42", CancellationToken.None);

        var waitingB = B.AcquireAsync("7283910238471/client-42", CancellationToken.None).AsTask();
        await Task.Delay(300);
        Assert.False(waitingB.IsCompleted);

        await heldByA.DisposeAsync();
        var heldByB = await waitingB.WaitAsync(Patience);
        Assert.Equal(1, await AdvisoryLocksAsync());
        await heldByB.DisposeAsync();
        Assert.Equal(0, await AdvisoryLocksAsync());
    }

    [Fact]
    public async Task Acquire_OtherKey_IsNotBlockedByAnotherInstance()
    {
        await using var heldByA = await A.AcquireAsync("7283910238471/client-42", CancellationToken.None);

        var heldByB = await B.AcquireAsync("7283910238471/client-43", CancellationToken.None).AsTask().WaitAsync(Patience);

        Assert.Equal(2, await AdvisoryLocksAsync());
        await heldByB.DisposeAsync();
    }

    [Fact]
    public async Task Acquire_SameKeyTwiceInOneInstance_WaitsInProcess()
    {
        var first = await A.AcquireAsync("k", CancellationToken.None);

        var second = A.AcquireAsync("k", CancellationToken.None).AsTask();
        await Task.Delay(200);
        Assert.False(second.IsCompleted);

        await first.DisposeAsync();
        await (await second.WaitAsync(Patience)).DisposeAsync();
        Assert.Equal(0, await AdvisoryLocksAsync());
    }

    [Fact]
    public async Task Acquire_CancelledWhileWaiting_ThrowsAndLeavesNothingLocked()
    {
        var heldByA = await A.AcquireAsync("k", CancellationToken.None);
        using var cancellation = new CancellationTokenSource();
        var waitingB = B.AcquireAsync("k", cancellation.Token).AsTask();
        await Task.Delay(200);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waitingB.WaitAsync(Patience));
        await heldByA.DisposeAsync();
        Assert.Equal(0, await AdvisoryLocksAsync());
        await (await B.AcquireAsync("k", CancellationToken.None).AsTask().WaitAsync(Patience)).DisposeAsync();
        await (await A.AcquireAsync("k", CancellationToken.None).AsTask().WaitAsync(Patience)).DisposeAsync();
    }

    [Fact]
    public async Task Release_Twice_IsHarmless()
    {
        var held = await A.AcquireAsync("k", CancellationToken.None);

        await held.DisposeAsync();
        await held.DisposeAsync();

        await (await B.AcquireAsync("k", CancellationToken.None).AsTask().WaitAsync(Patience)).DisposeAsync();
    }

    /// <summary>Advisory locks currently held in the test's database (they are per database).</summary>
    private async Task<long> AdvisoryLocksAsync()
    {
        await using var connection = new NpgsqlConnection(_database!.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database());",
            connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
