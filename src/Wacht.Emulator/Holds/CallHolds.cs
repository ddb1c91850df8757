namespace Wacht.Emulator;

/// <summary>
/// Run-time hold rules and the requests they hold (see <see cref="HoldRule"/>). Thread-safe. Over HTTP:
/// <c>/_emulator/holds</c> (deploy/emulator/README.md).
/// </summary>
public sealed class CallHolds
{
    private readonly Lock _gate = new();
    private readonly List<HoldRule> _rules = [];
    private readonly List<HeldRequest> _held = [];
    private readonly TimeProvider _timeProvider;
    private long _lastRuleId;
    private long _lastHeldId;
    private TaskCompletionSource _changed = NewSignal();

    internal CallHolds(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
    }

    /// <summary>The rules with their <see cref="HoldRule.Remaining"/> as it stands; used-up rules are gone.</summary>
    public IReadOnlyList<HoldRule> Rules
    {
        get
        {
            lock (_gate)
            {
                return [.. _rules.Select(r => r with { })];
            }
        }
    }

    /// <summary>The requests held now, oldest first.</summary>
    public IReadOnlyList<HeldCall> Held
    {
        get
        {
            lock (_gate)
            {
                return [.. _held.Select(h => h.Snapshot())];
            }
        }
    }

    /// <summary>Adds a rule (validated) and returns it with its id.</summary>
    public HoldRule Add(HoldRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        rule.Validate();
        lock (_gate)
        {
            var added = rule with { Id = ++_lastRuleId };
            _rules.Add(added);
            return added with { };
        }
    }

    /// <summary>Removes all rules. Requests held already stay held until released.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }

    /// <summary>
    /// The first held request matching <paramref name="match"/> (any when null), waiting for one to be held if there
    /// is none yet.
    /// </summary>
    public async Task<HeldCall> WaitForHeldAsync(Func<HeldCall, bool>? match = null, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                foreach (var held in _held)
                {
                    var snapshot = held.Snapshot();
                    if (match is null || match(snapshot))
                    {
                        return snapshot;
                    }
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Releases one held request and returns once it has been executed and its answer written (or found undeliverable).
    /// </summary>
    /// <exception cref="KeyNotFoundException">No request with that id is held.</exception>
    public Task<ReleasedCall> ReleaseAsync(long heldCallId, CancellationToken cancellationToken = default)
    {
        HeldRequest held;
        lock (_gate)
        {
            held = _held.Find(h => h.Id == heldCallId) ?? throw new KeyNotFoundException($"no held call {heldCallId}");
        }

        held.Release(execute: true);
        return held.Completion.WaitAsync(cancellationToken);
    }

    /// <summary>Releases every held request (oldest first) and returns what became of each.</summary>
    public async Task<IReadOnlyList<ReleasedCall>> ReleaseAllAsync(CancellationToken cancellationToken = default)
    {
        List<HeldRequest> all;
        lock (_gate)
        {
            all = [.. _held];
        }

        var released = new List<ReleasedCall>(all.Count);
        foreach (var held in all)
        {
            // One at a time, in arrival order: each release is a rotation, and their order decides the current secret.
            held.Release(execute: true);
            released.Add(await held.Completion.WaitAsync(cancellationToken));
        }

        return released;
    }

    /// <summary>Drops the held requests without executing them (reset, shutdown) and removes the rules.</summary>
    internal void DropAll()
    {
        List<HeldRequest> all;
        lock (_gate)
        {
            _rules.Clear();
            all = [.. _held];
        }

        foreach (var held in all)
        {
            held.Release(execute: false);
        }
    }

    /// <summary>
    /// Holds the request when a rule matches it (using up one of the rule's <see cref="HoldRule.Remaining"/>); null
    /// when none does. <paramref name="resolveClientId"/> gives the public client_id of the path's client.
    /// </summary>
    internal HeldRequest? TryHold(string operation, string deploymentId, string? oauthClientId, Func<string?> resolveClientId, HttpContext http)
    {
        lock (_gate)
        {
            if (_rules.Count == 0)
            {
                return null;
            }
        }

        // Resolved outside the gate: it takes the deployment's lock.
        var clientId = oauthClientId is null ? null : resolveClientId();
        lock (_gate)
        {
            for (var i = 0; i < _rules.Count; i++)
            {
                var rule = _rules[i];
                if ((rule.Operation != OAuthOperations.Any && rule.Operation != operation)
                    || (rule.DeploymentId is not null && rule.DeploymentId != deploymentId)
                    || (rule.OAuthClientId is not null && rule.OAuthClientId != oauthClientId)
                    || (rule.ClientId is not null && rule.ClientId != clientId))
                {
                    continue;
                }

                rule.Remaining--;
                if (rule.Remaining <= 0)
                {
                    _rules.RemoveAt(i);
                }

                var held = new HeldRequest(
                    this, ++_lastHeldId, rule.Id, operation, deploymentId, oauthClientId, clientId, _timeProvider.GetUtcNow(), rule.ReleaseAfterMs, http);
                _held.Add(held);
                PulseLocked();
                return held;
            }
        }

        return null;
    }

    private void Remove(HeldRequest held)
    {
        lock (_gate)
        {
            _held.Remove(held);
            PulseLocked();
        }
    }

    private void Pulse()
    {
        lock (_gate)
        {
            PulseLocked();
        }
    }

    private void PulseLocked()
    {
        _changed.TrySetResult();
        _changed = NewSignal();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>One held request; the pipeline waits on it and reports back what happened.</summary>
    internal sealed class HeldRequest(
        CallHolds owner,
        long id,
        long ruleId,
        string operation,
        string deploymentId,
        string? oauthClientId,
        string? clientId,
        DateTimeOffset heldAt,
        int? releaseAfterMs,
        HttpContext http)
    {
        private readonly TaskCompletionSource<bool> _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<ReleasedCall> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        // A caller that gives up changes what Held reports (CallerGone): wake up anyone waiting for that.
        private readonly CancellationTokenRegistration _callerGone = http.RequestAborted.Register(static o => ((CallHolds)o!).Pulse(), owner);

        public long Id { get; } = id;

        public Task<ReleasedCall> Completion => _completion.Task;

        public HeldCall Snapshot() =>
            new(Id, ruleId, operation, deploymentId, oauthClientId, clientId, heldAt, http.RequestAborted.IsCancellationRequested);

        public void Release(bool execute) => _release.TrySetResult(execute);

        /// <summary>True to execute the request, false to drop it (reset, shutdown, or <paramref name="stopping"/>).</summary>
        public async Task<bool> WaitForReleaseAsync(CancellationToken stopping)
        {
            try
            {
                // Not the request's token: a held call outlives its caller, as a server's work does. Real time, like
                // stall_ms (the emulator's TimeProvider is the clock of timestamps).
                return releaseAfterMs is { } ms
                    ? await _release.Task.WaitAsync(TimeSpan.FromMilliseconds(ms), stopping)
                    : await _release.Task.WaitAsync(stopping);
            }
            catch (TimeoutException)
            {
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            finally
            {
                await _callerGone.DisposeAsync();
                owner.Remove(this);
            }
        }

        public void Complete(bool executed, int status) =>
            _completion.TrySetResult(new ReleasedCall(Id, executed, executed ? status : 0, http.RequestAborted.IsCancellationRequested));
    }
}
