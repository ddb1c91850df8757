using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wacht.Client;
using Wacht.Worker.Messaging;

namespace Wacht.Worker.Hosting;

/// <summary>
/// How long a stopping worker (SIGTERM, Ctrl+C) gives its in-flight commands, derived from the in-process retry budget
/// (<c>Worker:Messaging:Retry</c>) and the Wacht request timeout:
/// <list type="bullet">
/// <item><see cref="ConsumerStopTimeout"/> (MassTransit): a command that is running or waiting out a retry backoff may
/// finish for this long before its cancellation token fires: the worst case of every backoff of the retry budget
/// (MassTransit's exponential intervals with their +20 % spread and +25 % jitter) plus one Wacht request timeout for the
/// attempt in flight. A command cancelled after that is not acknowledged: the broker redelivers it and the next
/// instance resumes it from the ledger (a pending secret is delivered, not rotated again).</item>
/// <item><see cref="StopTimeout"/> (MassTransit): that plus <see cref="Margin"/> for cancelled commands to record their
/// state and the bus to close.</item>
/// <item><see cref="ShutdownTimeout"/> (<see cref="HostOptions.ShutdownTimeout"/>): that plus <see cref="Margin"/> for the
/// scheduler (which waits for a running job) and the health listener.</item>
/// </list>
/// With the defaults (5 retries, 1 s to 30 s, delta 2 s; 30 s request timeout): 118 s, 133 s and 148 s. A supervisor
/// must allow more than <see cref="ShutdownTimeout"/> before it kills the process (Kubernetes'
/// <c>terminationGracePeriodSeconds</c>: 160 in deploy/k8s).
/// </summary>
public sealed record ShutdownBudget(TimeSpan ConsumerStopTimeout, TimeSpan StopTimeout, TimeSpan ShutdownTimeout)
{
    /// <summary>Added at each layer for the work that follows the layer inside it.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(15);

    /// <summary>The request timeout assumed when no deployment is configured (the client's default).</summary>
    public static readonly TimeSpan DefaultAttempt = TimeSpan.FromSeconds(30);

    /// <summary>The budget for a retry policy and the longest time one attempt's Wacht call may take.</summary>
    public static ShutdownBudget From(RetryOptions retry, TimeSpan attempt)
    {
        ArgumentNullException.ThrowIfNull(retry);
        var consumer = RoundUp(WorstCaseBackoff(retry) + attempt);
        var stop = consumer + Margin;
        return new ShutdownBudget(consumer, stop, stop + Margin);
    }

    /// <summary>
    /// The longest time MassTransit's exponential retry (<c>r.Exponential(limit, min, max, delta)</c>) can wait in total:
    /// interval i is min(min + 2^i × delta × 1.2, max), each then multiplied by up to 1.25 (jitter).
    /// </summary>
    public static TimeSpan WorstCaseBackoff(RetryOptions retry)
    {
        ArgumentNullException.ThrowIfNull(retry);
        var total = 0.0;
        for (var i = 0; i < retry.Limit; i++)
        {
            var interval = Math.Min(retry.MinInterval.TotalMilliseconds + (Math.Pow(2, i) * retry.IntervalDelta.TotalMilliseconds * 1.2), retry.MaxInterval.TotalMilliseconds);
            total += interval * 1.25;
        }

        return TimeSpan.FromMilliseconds(total);
    }

    private static TimeSpan RoundUp(TimeSpan value) => TimeSpan.FromSeconds(Math.Ceiling(value.TotalSeconds));
}

/// <summary>Applies <see cref="ShutdownBudget"/> to the host and to MassTransit.</summary>
public static class ShutdownBudgetServiceCollectionExtensions
{
    /// <summary>
    /// Sets <see cref="HostOptions.ShutdownTimeout"/> and MassTransit's stop timeouts from <c>Worker:Messaging:Retry</c> and
    /// the longest <c>Wacht:Deployments:*:RequestTimeout</c>. Call after <c>AddWachtWorker</c>, whose fixed MassTransit
    /// timeouts it replaces.
    /// </summary>
    public static IServiceCollection AddWachtShutdownBudget(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<HostOptions>().Configure<IConfiguration>(
            static (host, configuration) => host.ShutdownTimeout = Budget(configuration).ShutdownTimeout);
        services.AddOptions<MassTransitHostOptions>().Configure<IConfiguration>(
            static (bus, configuration) =>
            {
                var budget = Budget(configuration);
                bus.ConsumerStopTimeout = budget.ConsumerStopTimeout;
                bus.StopTimeout = budget.StopTimeout;
            });
        return services;
    }

    /// <summary>
    /// Read from configuration, not from the validated options: resolving the host's options must not be where an
    /// invalid setting is first reported (the options validation at start names every bad setting at once).
    /// </summary>
    private static ShutdownBudget Budget(IConfiguration configuration)
    {
        var retry = new RetryOptions();
        var attempt = ShutdownBudget.DefaultAttempt;
        try
        {
            configuration.GetSection(MessagingOptions.SectionPath + ":Retry").Bind(retry);
            var timeouts = configuration.GetSection(WachtOptions.DefaultSectionName + ":Deployments").GetChildren()
                .Select(static d => d.GetValue(nameof(WachtDeploymentOptions.RequestTimeout), ShutdownBudget.DefaultAttempt))
                .ToList();
            if (timeouts.Count > 0)
            {
                attempt = timeouts.Max();
            }
        }
        catch (InvalidOperationException)
        {
            // A value that does not convert; the validation at start reports it. The defaults stand in meanwhile.
            retry = new RetryOptions();
        }

        return ShutdownBudget.From(retry, attempt);
    }
}
