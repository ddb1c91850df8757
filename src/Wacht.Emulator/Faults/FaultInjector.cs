namespace Wacht.Emulator;

/// <summary>Run-time fault injection rules, thread-safe. Randomness is seedable so tests are deterministic.</summary>
public sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = [];
    private Random _random;

    public FaultInjector(int? randomSeed = null)
    {
        _random = randomSeed is { } seed ? new Random(seed) : new Random();
    }

    /// <summary>The current rules, with <see cref="FaultRule.Remaining"/> as it stands now; expired rules are gone.</summary>
    public IReadOnlyList<FaultRule> Rules
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries.Select(e => e.Rule with { Remaining = e.Remaining })];
            }
        }
    }

    public void Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        rule.Validate();
        lock (_gate)
        {
            _entries.Add(new Entry(rule with { }));
        }
    }

    /// <summary>Replaces all rules at once (validates all first).</summary>
    public void Replace(IEnumerable<FaultRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var list = rules.ToList();
        foreach (var rule in list)
        {
            rule.Validate();
        }

        lock (_gate)
        {
            _entries.Clear();
            _entries.AddRange(list.Select(r => new Entry(r with { })));
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }

    /// <summary>Reseeds the random source used for <see cref="FaultRule.ErrorRate"/>.</summary>
    public void SetRandomSeed(int seed)
    {
        lock (_gate)
        {
            _random = new Random(seed);
        }
    }

    internal FaultDecision Evaluate(string operation, string deploymentId)
    {
        lock (_gate)
        {
            if (_entries.Count == 0)
            {
                return FaultDecision.None;
            }

            var decision = FaultDecision.None;
            for (var i = 0; i < _entries.Count; i++)
            {
                var entry = _entries[i];
                var rule = entry.Rule;
                if ((rule.Operation != OAuthOperations.Any && rule.Operation != operation)
                    || (rule.DeploymentId is not null && rule.DeploymentId != deploymentId))
                {
                    continue;
                }

                var effect = rule.StallMs > 0 || rule.LatencyMs > 0 || rule.LoseResponse;
                var fails = false;
                if (rule.ErrorStatus is not null && decision.ErrorStatus is null)
                {
                    fails = rule.ErrorRate >= 1 || (rule.ErrorRate > 0 && _random.NextDouble() < rule.ErrorRate);
                    effect |= fails;
                }

                if (!effect)
                {
                    continue;
                }

                decision = decision with
                {
                    StallMs = Math.Max(decision.StallMs, rule.StallMs),
                    LatencyMs = decision.LatencyMs + rule.LatencyMs,
                    LoseResponse = decision.LoseResponse || rule.LoseResponse,
                };
                if (fails)
                {
                    decision = decision with
                    {
                        ErrorStatus = rule.ErrorStatus,
                        RetryAfterSeconds = rule.RetryAfterSeconds,
                        ErrorMessage = rule.ErrorMessage,
                    };
                }

                if (entry.Remaining is { } remaining)
                {
                    entry.Remaining = remaining - 1;
                    if (entry.Remaining <= 0)
                    {
                        _entries.RemoveAt(i);
                        i--;
                    }
                }
            }

            return decision;
        }
    }

    private sealed class Entry(FaultRule rule)
    {
        public FaultRule Rule { get; } = rule;

        public int? Remaining { get; set; } = rule.Remaining;
    }
}
