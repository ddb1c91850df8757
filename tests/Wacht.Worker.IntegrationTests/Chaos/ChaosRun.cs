using System.Diagnostics;
using MassTransit;
using Wacht.Client;
using Wacht.Worker.Contracts;
using Wacht.Worker.IntegrationTests.Ledger;
using Wacht.Worker.IntegrationTests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.IntegrationTests.Chaos;

/// <summary>
/// One chaos scenario: a world (emulator, own virtual host, the audit subscriber), worker processes started as a
/// container would start them (<see cref="RunningWorker"/>), killed with SIGKILL and started again, commands sent at a
/// steady pace, and at the end the invariant measured (<see cref="ChaosFigures"/>).
/// </summary>
internal sealed class ChaosRun : IAsyncDisposable
{
    /// <summary>The world's clients with a secret the file destination can hold (the odd-id client is refused before rotating by design; RotationVerificationTests).</summary>
    public static readonly string[] SecretClients = [WachtWorld.ServiceClient, WachtWorld.PipelineClient, WachtWorld.JwtClient];

    private readonly List<RunningWorker> _workers = [];
    private readonly Dictionary<Guid, string> _rotations = [];
    private readonly List<Guid> _commands = [];
    private readonly Lock _sent = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly PostgresDatabase? _database;

    private ChaosRun(string scenario, RabbitWorld world, PostgresDatabase? database)
    {
        Scenario = scenario;
        W = world;
        _database = database;
    }

    public string Scenario { get; }

    public RabbitWorld W { get; }

    public int Kills { get; private set; }

    public int BrokerRestarts { get; set; }

    public int ManualRestarts { get; private set; }

    public int Workers => _workers.Count;

    public static async Task<ChaosRun> StartAsync(string scenario, bool postgres, RabbitMqBroker? broker = null)
    {
        var world = await RabbitWorld.StartAsync(broker);
        var database = postgres ? await PostgresDatabase.CreateAsync() : null;
        return new ChaosRun(scenario, world, database);
    }

    public async Task StartWorkerAsync() => _workers.Add(await RunningWorker.StartAsync(Settings()));

    /// <summary>SIGKILLs worker <paramref name="index"/> (no shutdown of any kind).</summary>
    public async Task KillAsync(int index)
    {
        var worker = _workers[index];
        _workers.RemoveAt(index);
        await worker.DisposeAsync();
        Kills++;
    }

    /// <summary>Sends <paramref name="count"/> rotations round the clients, one every <paramref name="interval"/>.</summary>
    public async Task SendRotationsAsync(int count, TimeSpan interval, CancellationToken cancellationToken)
    {
        var clients = new List<OAuthClient>();
        foreach (var name in SecretClients)
        {
            clients.Add(await W.World.ClientAsync(name));
        }

        for (var i = 0; i < count; i++)
        {
            var client = clients[i % clients.Count];
            var command = new RotateSecret { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id, Reason = $"chaos {i}" };
            await SendAsync("rotate-secret", command, command.CommandId, cancellationToken);
            lock (_sent)
            {
                _rotations[command.CommandId] = SecretClients[i % clients.Count];
            }

            await Task.Delay(interval, cancellationToken);
        }
    }

    /// <summary>Sends a revocation of every grant of the world's service clients (mixed load).</summary>
    public async Task SendRevocationsAsync(CancellationToken cancellationToken)
    {
        foreach (var name in (string[])[WachtWorld.ServiceClient, WachtWorld.PipelineClient])
        {
            var client = await W.World.ClientAsync(name);
            foreach (var grant in await W.World.GrantsAsync(name))
            {
                var command = new RevokeGrant { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id, GrantId = grant.Id, Reason = "chaos" };
                await SendAsync("revoke-grant", command, command.CommandId, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Lets the surviving (or a fresh) worker finish: waits until every command has an outcome or
    /// <paramref name="bound"/> passes. A worker that exited by itself (the watchdog's exit code) is started again
    /// as its supervisor would; one that is alive but does not consume for a minute is a manual restart.
    /// </summary>
    public async Task<ChaosFigures> SettleAsync(TimeSpan bound)
    {
        if (_workers.Count == 0)
        {
            await StartWorkerAsync();
        }

        var deadline = Stopwatch.StartNew();
        var stuckSince = (TimeSpan?)null;
        while (deadline.Elapsed < bound && Outstanding().Count > 0)
        {
            for (var i = _workers.Count - 1; i >= 0; i--)
            {
                if (_workers[i].HasExited)
                {
                    await _workers[i].DisposeAsync();
                    _workers[i] = await RunningWorker.StartAsync(Settings());
                }
            }

            var before = Outstanding().Count;
            await Task.Delay(TimeSpan.FromSeconds(2));
            if (Outstanding().Count < before)
            {
                stuckSince = null;
            }
            else if ((stuckSince ??= deadline.Elapsed) < deadline.Elapsed - TimeSpan.FromSeconds(60))
            {
                // Nothing finished for a minute with commands waiting: someone would have to restart it by hand.
                ManualRestarts++;
                await _workers[0].DisposeAsync();
                _workers[0] = await RunningWorker.StartAsync(Settings());
                stuckSince = null;
            }
        }

        return Measure();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.DisposeAsync();
        }

        await W.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private List<Guid> Outstanding()
    {
        var answered = W.Observer.Events.Select(e => e.CommandId).ToHashSet();
        lock (_sent)
        {
            return [.. _commands.Where(c => !answered.Contains(c))];
        }
    }

    private ChaosFigures Measure()
    {
        var events = W.Observer.Events;
        List<Guid> commands;
        Dictionary<Guid, string> rotations;
        lock (_sent)
        {
            commands = [.. _commands];
            rotations = new Dictionary<Guid, string>(_rotations);
        }

        var byCommand = events.GroupBy(e => e.CommandId).ToDictionary(g => g.Key, g => g.ToList());
        int without = 0, conflicting = 0, duplicates = 0, rotated = 0, failed = 0;
        foreach (var id in commands)
        {
            if (!byCommand.TryGetValue(id, out var outcomes))
            {
                without++;
                continue;
            }

            var distinct = outcomes.Select(o => o.Message is ICommandFailedEvent f ? $"{o.Message.GetType().Name}:{f.ErrorCode}" : o.Message.GetType().Name).Distinct().Count();
            conflicting += distinct > 1 ? 1 : 0;
            duplicates += outcomes.Count - distinct;
            rotated += outcomes.Any(o => o.Message is SecretRotated) ? 1 : 0;
            failed += outcomes.Any(o => o.Message is ICommandFailedEvent) ? 1 : 0;
        }

        int lost = 0, silent = 0, wrong = 0;
        foreach (var name in SecretClients)
        {
            var client = W.World.ClientAsync(name).GetAwaiter().GetResult();
            var atDestination = W.World.SecretAtDestination(client.ClientId);

            // Nothing delivered yet: the application still holds the seeded secret, which must then still work.
            var works = atDestination is null ? W.World.WachtAccepts(client.ClientId, W.World.SeededSecret(name)) : W.World.WachtAccepts(client.ClientId, atDestination);
            if (works)
            {
                continue;
            }

            lost++;
            var said = events
                .Where(e => rotations.TryGetValue(e.CommandId, out var c) && c == name)
                .Select(e => e.Message)
                .OrderBy(m => m switch { SecretRotated r => r.RotatedAt, SecretRotationFailed f => f.FailedAt, _ => DateTimeOffset.MinValue })
                .ToList();
            wrong += said.LastOrDefault() is null or SecretRotated or SecretRotationFailed { OldSecretMayBeInvalid: false } ? 1 : 0;
            var sinceLastSuccess = said.Skip(said.FindLastIndex(m => m is SecretRotated) + 1);
            silent += sinceLastSuccess.Any(m => m is SecretRotationFailed { OldSecretMayBeInvalid: true }) ? 0 : 1;
        }

        return new ChaosFigures
        {
            Scenario = Scenario,
            Commands = commands.Count,
            WithoutOutcome = without,
            ConflictingOutcomes = conflicting,
            DuplicateEvents = duplicates,
            Rotated = rotated,
            Failed = failed,
            FailureCodes = string.Join(' ', events.Select(e => e.Message).OfType<ICommandFailedEvent>().Where(f => commands.Contains(f.CommandId))
                .DistinctBy(f => f.CommandId).GroupBy(f => f.ErrorCode).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}:{g.Count()}")),
            LostSecrets = lost,
            SilentLostSecrets = silent,
            WrongFlags = wrong,
            ManualRestarts = ManualRestarts,
            Kills = Kills,
            BrokerRestarts = BrokerRestarts,
            RotateCalls = W.World.RotateCalls,
            Elapsed = _clock.Elapsed,
        };
    }

    /// <summary>Sends until the broker confirms: a broker restart in the middle is retried, a command is counted once sent.</summary>
    private async Task SendAsync<T>(string queue, T command, Guid commandId, CancellationToken cancellationToken)
        where T : class
    {
        var attempt = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                var endpoint = await W.Bus.GetSendEndpoint(new Uri($"queue:{queue}"));
                await endpoint.Send(command, timeout.Token);
                lock (_sent)
                {
                    _commands.Add(commandId);
                }

                return;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested && attempt.Elapsed < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(500, cancellationToken);
            }
        }
    }

    private Dictionary<string, string?> Settings()
    {
        var settings = W.World.WorkerSettings();
        W.VirtualHost.Apply(settings);
        if (_database is not null)
        {
            settings["Worker:Ledger:Provider"] = "PostgreSql";
            settings["Worker:Ledger:ConnectionString"] = _database.ConnectionString;
        }

        // Production-like retries: a broker restart outlasts the test default of three quick retries.
        settings["Worker:Messaging:Retry:Limit"] = "20";
        settings["Worker:Messaging:Retry:MinInterval"] = "00:00:00.200";
        settings["Worker:Messaging:Retry:MaxInterval"] = "00:00:05";
        settings["Worker:Messaging:Retry:IntervalDelta"] = "00:00:00.500";
        settings["Worker:Messaging:PublishTimeout"] = "00:00:10";
        settings["Worker:Messaging:Watchdog:RestartAfter"] = "00:00:20";
        return settings;
    }
}
