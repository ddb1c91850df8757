using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wacht.Client;
using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;
using Wacht.Worker.Jobs;
using Wacht.Worker.Ledger;
using Wacht.Worker.Secrets;

namespace Wacht.Worker.Rotation.Validity;

/// <summary>
/// The rotation sweep's validity check of delivered secrets: in each run, the run's share of clients
/// (<see cref="DeliveredSecretPolicy"/>) has the secret its destination holds checked against Wacht (the app's
/// <c>/oauth/introspect</c>, as <see cref="IWachtClient.CheckClientSecretAsync(string, OAuthClient, ClientSecret, CancellationToken)"/>).
/// A secret Wacht rejects is a finding, <see cref="DeliveredSecretRejected"/>, and with
/// <see cref="DeliveredSecretCheckOptions.RotateOnRejected"/> a RotateSecret restores a working one.
/// </summary>
/// <remarks>
/// <para>
/// Where the secret is: at the destination and key recorded with the client's last successful rotation (the ledger),
/// else where the client's route puts it now. Nothing there: <c>nothing_delivered</c>.
/// </para>
/// <para>
/// Not a false alarm: a client with a rotate call that may still take effect is not checked (<c>rotation_in_flight</c>),
/// nor one this run sent a rotation (<c>rotation_sent</c>: that command verifies its own secret). A rejected secret is
/// confirmed by reading the destination again: if a delivery replaced it meanwhile, the new one is checked instead.
/// Transient failures (after the Wacht client's own retries) are <c>unknown</c>, never <c>rejected</c>.
/// </para>
/// <para>
/// Rate limit: one token bucket per worker process for every run and deployment (<see cref="DeliveredSecretCheckOptions.MaxChecksPerMinute"/>);
/// the checks run one at a time; what is left when <see cref="DeliveredSecretCheckOptions.MaxDuration"/> has passed is
/// <c>rate_limited</c>. Both use real time, not the sweep's clock: they bound load on Wacht, which runs on real time.
/// </para>
/// </remarks>
public sealed class DeliveredSecretCheck(
    ICommandLedger commandLedger,
    SecretDestinations destinations,
    SecretRouter router,
    IBus bus,
    IOptionsMonitor<DeliveredSecretCheckOptions> options,
    TimeProvider time,
    ILogger<DeliveredSecretCheck> logger) : IDisposable
{
    /// <summary>A destination read the check waits for at most; the destinations have their own, shorter, timeouts.</summary>
    internal static readonly TimeSpan DestinationReadTimeout = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private TokenBucketRateLimiter? _limiter;
    private int _limiterRate;

    /// <summary>Starts the check of one sweep run. <see cref="Run.Observe"/> every client walked, then <see cref="Run.CheckAsync"/>.</summary>
    /// <param name="windowStart">The run's command window (<see cref="RotationPolicy.WindowStart"/>): it picks the slot and the rotations' ids.</param>
    public Run Begin(Guid runId, DateTimeOffset windowStart, TimeSpan commandWindow, bool dryRun, bool collectItems)
    {
        var settings = options.CurrentValue;
        return new Run(this, settings.Enabled ? settings : null, runId, windowStart, commandWindow, dryRun, collectItems);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _limiter?.Dispose();
            _limiter = null;
        }
    }

    // The run reads these (a nested type cannot name another instance's primary-constructor parameters).
    private ICommandLedger Ledger => commandLedger;

    private SecretDestinations Destinations => destinations;

    private SecretRouter Router => router;

    private IBus Bus => bus;

    private TimeProvider Time => time;

    private ILogger Logger => logger;

    private RateLimiter Limiter(int checksPerMinute)
    {
        lock (_gate)
        {
            if (_limiter is null || _limiterRate != checksPerMinute)
            {
                _limiter?.Dispose();
                _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
                {
                    TokenLimit = checksPerMinute,
                    TokensPerPeriod = 1,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1) / checksPerMinute,
                    QueueLimit = int.MaxValue,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                    AutoReplenishment = true,
                });
                _limiterRate = checksPerMinute;
            }

            return _limiter;
        }
    }

    /// <summary>What the check of one run found.</summary>
    /// <param name="Summary">Null when the check is off.</param>
    /// <param name="Items">One per client of the run's share (only when the run collects items).</param>
    /// <param name="Errors">What the run could not do (non-transient check failures, sends and publishes that failed).</param>
    /// <param name="RotationCommands">The RotateSecret commands sent for rejected secrets.</param>
    public sealed record Outcome(SecretCheckSummary? Summary, IReadOnlyList<SecretCheckItem> Items, IReadOnlyList<JobError> Errors, IReadOnlyList<Guid> RotationCommands);

    /// <summary>The check of one sweep run.</summary>
    public sealed class Run
    {
        private readonly DeliveredSecretCheck _owner;
        private readonly DeliveredSecretCheckOptions? _settings;
        private readonly Guid _runId;
        private readonly DateTimeOffset _windowStart;
        private readonly TimeSpan _window;
        private readonly bool _dryRun;
        private readonly bool _collectItems;
        private readonly int _cycle;
        private readonly int _slot;
        private readonly ConcurrentDictionary<string, int> _skipped = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<Selected> _selected = new();
        private readonly List<SecretCheckItem> _items = [];
        private readonly List<JobError> _errors = [];
        private readonly List<Guid> _rotations = [];
        private int _accepted;
        private int _rejected;
        private int _unknown;
        private int _rotationsRequested;

        internal Run(DeliveredSecretCheck owner, DeliveredSecretCheckOptions? settings, Guid runId, DateTimeOffset windowStart, TimeSpan window, bool dryRun, bool collectItems)
        {
            (_owner, _settings, _runId, _windowStart, _window, _dryRun, _collectItems) = (owner, settings, runId, windowStart, window, dryRun, collectItems);
            if (settings is not null)
            {
                _cycle = DeliveredSecretPolicy.Cycle(settings.Share);
                _slot = DeliveredSecretPolicy.RunSlot(windowStart, window, _cycle);
            }
        }

        private ILogger Logger => _owner.Logger;

        /// <summary>Takes note of one client the sweep walked (thread-safe: the walk is parallel).</summary>
        /// <param name="sweepSkipReason">What <see cref="RotationPolicy.Screen"/> said about it.</param>
        /// <param name="lastRotation">The ledger's last successful rotation of it (where its secret was delivered), if the sweep looked it up.</param>
        public void Observe(ClientVisit visit, string? sweepSkipReason, RotationRecord? lastRotation)
        {
            ArgumentNullException.ThrowIfNull(visit);
            if (_settings is null)
            {
                return;
            }

            if (DeliveredSecretPolicy.Screen(sweepSkipReason, visit.DeploymentId, visit.Client.Id, _slot, _cycle) is { } reason)
            {
                _skipped.AddOrUpdate(reason, 1, static (_, n) => n + 1);
                return;
            }

            _selected.Enqueue(new Selected(visit, lastRotation));
        }

        /// <summary>Checks the observed share, one client at a time within the rate limit.</summary>
        /// <param name="rotationsSent">The clients (deployment, record id) this run sent a RotateSecret: not checked.</param>
        public async Task<Outcome> CheckAsync(IReadOnlySet<(string DeploymentId, string OAuthClientId)> rotationsSent, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(rotationsSent);
            if (_settings is null)
            {
                return new Outcome(null, [], [], []);
            }

            var limiter = _owner.Limiter(_settings.MaxChecksPerMinute);
            using var budget = new CancellationTokenSource(_settings.MaxDuration);
            using var permitToken = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
            var ordered = _selected
                .Select(s => (Key: DeliveredSecretPolicy.OrderKey(s.Visit.DeploymentId, s.Visit.Client.Id, _windowStart, _window, _cycle), Client: s))
                .OrderBy(static p => p.Key)
                .ThenBy(static p => p.Client.Visit.DeploymentId, StringComparer.Ordinal)
                .ThenBy(static p => p.Client.Visit.Client.Id, StringComparer.Ordinal)
                .Select(static p => p.Client)
                .ToList();
            var rateLimited = 0;
            foreach (var client in ordered)
            {
                var visit = client.Visit;
                if (rotationsSent.Contains((visit.DeploymentId, visit.Client.Id)))
                {
                    Skip(client, SecretCheckSkipReasons.RotationSent, null);
                }
                else if (budget.IsCancellationRequested)
                {
                    rateLimited++;
                    Skip(client, SecretCheckSkipReasons.RateLimited, null);
                }
                else if (!await CheckOneAsync(client, limiter, permitToken.Token, cancellationToken))
                {
                    rateLimited++;
                }
            }

            var summary = new SecretCheckSummary
            {
                Share = _settings.Share,
                Cycle = _cycle,
                Slot = _slot,
                Accepted = _accepted,
                Rejected = _rejected,
                Unknown = _unknown,
                RotationsRequested = _rotationsRequested,
                Skipped = _skipped.Where(static p => p.Value > 0)
                    .OrderBy(static p => p.Key, StringComparer.Ordinal)
                    .ToDictionary(static p => p.Key, static p => p.Value, StringComparer.Ordinal),
            };
            ValidityLog.Completed(Logger, _runId, _slot, _cycle, _dryRun, _accepted, _rejected, _unknown, _rotationsRequested, rateLimited);
            _items.Sort(static (a, b) =>
            {
                var c = string.CompareOrdinal(a.DeploymentId, b.DeploymentId);
                c = c != 0 ? c : string.CompareOrdinal(a.AppSlug, b.AppSlug);
                return c != 0 ? c : string.CompareOrdinal(a.OAuthClientId, b.OAuthClientId);
            });
            return new Outcome(summary, [.. _items], [.. _errors], [.. _rotations]);
        }

        /// <summary>Checks one client; false when the rate limit's budget ran out before its check (it is then skipped as rate_limited).</summary>
        private async Task<bool> CheckOneAsync(Selected client, RateLimiter limiter, CancellationToken permitToken, CancellationToken cancellationToken)
        {
            var visit = client.Visit;
            if (Locate(client) is not { } location)
            {
                return true;
            }

            if (await InFlightAsync(visit, cancellationToken))
            {
                Skip(client, SecretCheckSkipReasons.RotationInFlight, null);
                return true;
            }

            if (await ReadAsync(client, location, cancellationToken) is not { } stored)
            {
                return true;
            }

            // At most two checks: the second only when the destination changed under the first (a delivery in between).
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    using var lease = await limiter.AcquireAsync(1, permitToken);
                    if (!lease.IsAcquired)
                    {
                        Skip(client, SecretCheckSkipReasons.RateLimited, null);
                        return false;
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    Skip(client, SecretCheckSkipReasons.RateLimited, null);
                    return false;
                }

                SecretCheck answer;
                try
                {
                    answer = await visit.Wacht.CheckClientSecretAsync(visit.App.Fqdn, visit.Client, stored.Secret, cancellationToken);
                }
                catch (Exception exception) when (exception is WachtException or ArgumentException && !cancellationToken.IsCancellationRequested)
                {
                    Unknown(client, location, stored, exception);
                    return true;
                }

                switch (answer)
                {
                    case SecretCheck.Accepted:
                        Interlocked.Increment(ref _accepted);
                        ValidityLog.Accepted(Logger, _runId, visit.DeploymentId, visit.App.Slug, visit.Client.ClientId, location.Destination.Name, location.Key, stored.Fingerprint);
                        Add(client, SecretCheckResults.Accepted, null, location, stored.Fingerprint, null);
                        return true;
                    case SecretCheck.NotApplicable:
                        // The auth method changed to one without a secret since the listing.
                        Skip(client, SweepSkipReasons.NoSecret, visit.Client.ClientAuthMethod);
                        return true;
                }

                // Rejected. A rotation that started meanwhile, or a delivery that replaced the secret, is not a finding.
                if (await InFlightAsync(visit, cancellationToken))
                {
                    Skip(client, SecretCheckSkipReasons.RotationInFlight, null);
                    return true;
                }

                var again = await ReadAsync(client, location, cancellationToken, skipWhenMissing: false);
                if (attempt == 0 && again is not null && again.Fingerprint != stored.Fingerprint)
                {
                    stored = again;
                    continue;
                }

                await RejectedAsync(client, location, stored, cancellationToken);
                return true;
            }

        }

        private (string? Route, ISecretDestination Destination, string Key)? Locate(Selected client)
        {
            var visit = client.Visit;
            if (client.LastRotation is { } last && _owner.Destinations.Find(last.Destination) is { } recorded)
            {
                return (last.Route, recorded, last.DestinationKey);
            }

            SecretRoute? route;
            try
            {
                route = _owner.Router.Resolve(new SecretTarget(visit.DeploymentId, visit.App.Slug, visit.Client.Id, visit.Client.ClientId));
            }
            catch (SecretKeyException exception)
            {
                Skip(client, SecretCheckSkipReasons.DestinationUnreadable, exception.Message);
                return null;
            }

            if (route is null)
            {
                Skip(client, SecretCheckSkipReasons.NothingDelivered, "no route matches the client");
                return null;
            }

            return (route.Name, route.Destination, route.Key);
        }

        private async Task<bool> InFlightAsync(ClientVisit visit, CancellationToken cancellationToken) =>
            await _owner.Ledger.FindRotateInFlightUntilAsync(visit.DeploymentId, visit.Client.Id, cancellationToken) is { } until
            && until > _owner.Time.GetUtcNow();

        /// <summary>The stored secret, or null (skipped: nothing there, or unreadable).</summary>
        private async Task<StoredSecret?> ReadAsync(
            Selected client, (string? Route, ISecretDestination Destination, string Key) location, CancellationToken cancellationToken, bool skipWhenMissing = true)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(DestinationReadTimeout);
            try
            {
                var stored = await location.Destination.ReadAsync(location.Key, timeout.Token);
                if (stored is null && skipWhenMissing)
                {
                    Skip(client, SecretCheckSkipReasons.NothingDelivered, $"{location.Destination.Name}:{location.Key} holds no secret");
                }

                return stored;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                if (skipWhenMissing)
                {
                    // A destination's exception message is safe to publish (ISecretDestination); any other is named by type only.
                    var detail = exception is SecretDestinationException destination
                        ? $"{location.Destination.Name}:{location.Key}: {destination.Reason}: {destination.Message}"
                        : $"{location.Destination.Name}:{location.Key}: {exception.GetType().Name}";
                    Skip(client, SecretCheckSkipReasons.DestinationUnreadable, detail);
                }

                return null;
            }
        }

        private void Unknown(Selected client, (string? Route, ISecretDestination Destination, string Key) location, StoredSecret stored, Exception exception)
        {
            var visit = client.Visit;
            Interlocked.Increment(ref _unknown);
            var failure = exception is ArgumentException
                ? new CommandFailure(ErrorCodes.Rejected, $"The client's secret cannot be checked: {exception.Message}", false, false)
                : CommandFailure.From(exception);
            var transient = exception is WachtException { IsTransient: true };
            if (!transient)
            {
                // Not a passing hiccup (a missing app host, a refused request, bad configuration): an operator must look.
                AddError(new JobError(visit.DeploymentId, visit.App.Slug, visit.Client.Id, failure.Code, $"Checking the delivered secret: {failure.Message}"));
            }

            ValidityLog.Unknown(Logger, _runId, visit.DeploymentId, visit.App.Slug, visit.Client.ClientId, stored.Fingerprint, failure.Code, failure.Message);
            Add(client, SecretCheckResults.Unknown, $"{failure.Code}: {failure.Message}", location, stored.Fingerprint, null);
        }

        private async Task RejectedAsync(Selected client, (string? Route, ISecretDestination Destination, string Key) location, StoredSecret stored, CancellationToken cancellationToken)
        {
            var visit = client.Visit;
            Interlocked.Increment(ref _rejected);
            var remediation = DeliveredSecretPolicy.Remediation(_settings!.RotateOnRejected, _dryRun);
            Guid? commandId = remediation == SecretCheckRemediations.Reported
                ? null
                : DeliveredSecretPolicy.CommandId(visit.DeploymentId, visit.Client.Id, stored.Fingerprint, _windowStart);
            if (remediation == SecretCheckRemediations.RotateRequested)
            {
                var command = new RotateSecret
                {
                    CommandId = commandId!.Value,
                    DeploymentId = visit.DeploymentId,
                    AppSlug = visit.App.Slug,
                    OAuthClientId = visit.Client.Id,
                    RequestedBy = RotationSweep.RequestedBy,
                    Reason = DeliveredSecretPolicy.Reason(location.Destination.Name, location.Key, stored.Fingerprint),
                    Trigger = CommandTriggers.Schedule,
                };
                try
                {
                    var endpoint = await _owner.Bus.GetSendEndpoint(CommandQueues.RotateSecret);
                    await endpoint.Send(command, cancellationToken);
                    _rotations.Add(command.CommandId);
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                {
                    var failure = CommandFailure.From(exception);
                    AddError(new JobError(visit.DeploymentId, visit.App.Slug, visit.Client.Id, failure.Code, $"Sending RotateSecret {command.CommandId} for the rejected secret: {failure.Message}"));
                    ValidityLog.SendFailed(Logger, _runId, command.CommandId, visit.DeploymentId, visit.App.Slug, visit.Client.ClientId, failure.Code, failure.Message);
                    remediation = SecretCheckRemediations.Reported;
                    commandId = null;
                }
            }

            if (remediation != SecretCheckRemediations.Reported)
            {
                Interlocked.Increment(ref _rotationsRequested);
            }

            ValidityLog.Rejected(Logger, _runId, visit.DeploymentId, visit.App.Slug, visit.Client.ClientId, location.Destination.Name, location.Key, stored.Fingerprint, stored.CommandId, remediation, commandId);
            Add(client, SecretCheckResults.Rejected, remediation, location, stored.Fingerprint, commandId);
            if (_dryRun)
            {
                // A dry run changes nothing anywhere: the finding is in the report only.
                return;
            }

            try
            {
                await _owner.Bus.Publish(
                    new DeliveredSecretRejected
                    {
                        RunId = _runId,
                        DeploymentId = visit.DeploymentId,
                        AppSlug = visit.App.Slug,
                        OAuthClientId = visit.Client.Id,
                        ClientId = visit.Client.ClientId,
                        ClientAuthMethod = visit.Client.ClientAuthMethod,
                        Route = location.Route,
                        Destination = location.Destination.Name,
                        DestinationKey = location.Key,
                        SecretFingerprint = stored.Fingerprint,
                        DeliveredSecretIssuedAt = stored.RotatedAt,
                        DeliveredByCommandId = stored.CommandId,
                        CheckedAt = _owner.Time.GetUtcNow(),
                        Remediation = remediation,
                        RotateCommandId = commandId,
                    },
                    cancellationToken);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                var failure = CommandFailure.From(exception);
                AddError(new JobError(visit.DeploymentId, visit.App.Slug, visit.Client.Id, failure.Code, $"Publishing DeliveredSecretRejected: {failure.Message}"));
                ValidityLog.PublishFailed(Logger, _runId, visit.DeploymentId, visit.App.Slug, visit.Client.ClientId, failure.Code, failure.Message);
            }
        }

        private void Skip(Selected client, string reason, string? detail)
        {
            var visit = client.Visit;
            _skipped.AddOrUpdate(reason, 1, static (_, n) => n + 1);
            ValidityLog.Skipped(Logger, _runId, visit.DeploymentId, visit.App.Slug, visit.Client.ClientId, reason, detail);
            Add(client, SecretCheckResults.Skipped, detail is null ? reason : $"{reason}: {detail}", null, null, null);
        }

        private void Add(Selected client, string result, string? detail, (string? Route, ISecretDestination Destination, string Key)? location, string? fingerprint, Guid? commandId)
        {
            if (!_collectItems)
            {
                return;
            }

            var visit = client.Visit;
            _items.Add(new SecretCheckItem(
                visit.DeploymentId,
                visit.App.Slug,
                visit.Client.Id,
                visit.Client.ClientId,
                result,
                detail,
                location?.Destination.Name,
                location?.Key,
                fingerprint,
                commandId));
        }

        private void AddError(JobError error) => _errors.Add(error);

        private sealed record Selected(ClientVisit Visit, RotationRecord? LastRotation);
    }
}
