using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wacht.Client;
using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Jobs;

/// <summary>
/// Walks every configured deployment → apps → clients for the scheduled jobs, handing each client to a visitor.
/// Deployments are walked side by side; within one, at most <c>maxParallelism</c> clients are visited at once, and
/// never more than the deployment's <c>MaxConcurrentRequests</c> (the Wacht client's own concurrency and rate limiters
/// still apply to every call). Nothing is accumulated: the list API has no paging, so memory holds one app's client
/// list per deployment plus whatever the visitor keeps (the audit lists one client's grants at a time).
/// </summary>
/// <remarks>
/// A failure to list a deployment's apps, an app's clients, or a visit that throws is recorded as a
/// <see cref="JobError"/> and the walk goes on with the rest; only cancellation stops it.
/// </remarks>
public sealed partial class InventoryWalker(
    IWachtClientFactory clients,
    IOptions<WachtOptions> wachtOptions,
    ILogger<InventoryWalker> logger)
{
    /// <summary>Walks every deployment <paramref name="filter"/> may include and visits every client of every app it may include.</summary>
    public async Task<WalkTotals> WalkAsync(
        TargetFilter filter,
        int maxParallelism,
        Func<ClientVisit, CancellationToken, ValueTask> visit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(visit);
        var errors = new ConcurrentQueue<JobError>();
        var deployments = clients.DeploymentIds.Where(d => filter.MayInclude(d)).ToList();
        var totals = await Task.WhenAll(deployments.Select(d => WalkDeploymentAsync(d, filter, maxParallelism, visit, errors, cancellationToken)))
            ;
        return new WalkTotals(
            deployments.Count,
            totals.Sum(static t => t.Apps),
            totals.Sum(static t => t.Clients),
            totals.Sum(static t => t.Failed),
            [.. errors]);
    }

    private async Task<(int Apps, int Clients, int Failed)> WalkDeploymentAsync(
        string deploymentId,
        TargetFilter filter,
        int maxParallelism,
        Func<ClientVisit, CancellationToken, ValueTask> visit,
        ConcurrentQueue<JobError> errors,
        CancellationToken cancellationToken)
    {
        var wacht = clients.GetClient(deploymentId);
        var limit = Limit(deploymentId, maxParallelism);

        IReadOnlyList<OAuthApp> apps;
        try
        {
            apps = await wacht.ListOAuthAppsAsync(cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            Record(errors, e, deploymentId, null, null);
            return (0, 0, 0);
        }

        int appCount = 0, clientCount = 0, failed = 0;
        await Parallel.ForEachAsync(
            ListClientsAsync(),
            new ParallelOptions { MaxDegreeOfParallelism = limit, CancellationToken = cancellationToken },
            async (pair, ct) =>
            {
                try
                {
                    await visit(new ClientVisit(deploymentId, wacht, pair.App, pair.Client), ct);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failed);
                    Record(errors, e, deploymentId, pair.App.Slug, pair.Client.Id);
                }
            });
        return (appCount, clientCount, failed);

        // Lists one app's clients at a time, as the visits need them, so visits run across app boundaries.
        async IAsyncEnumerable<(OAuthApp App, OAuthClient Client)> ListClientsAsync()
        {
            foreach (var app in apps)
            {
                if (!filter.MayInclude(deploymentId, app.Slug))
                {
                    continue;
                }

                IReadOnlyList<OAuthClient> appClients;
                try
                {
                    appClients = await wacht.ListOAuthClientsAsync(app.Slug, cancellationToken);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    Record(errors, e, deploymentId, app.Slug, null);
                    continue;
                }

                appCount++;
                clientCount += appClients.Count;
                foreach (var client in appClients)
                {
                    yield return (app, client);
                }
            }
        }
    }

    /// <summary>
    /// Walks every deployment <paramref name="filter"/> may include and visits every app it may include, for work done
    /// per app (signing keys), at most <paramref name="maxParallelism"/> apps at once per deployment (and never more than
    /// the deployment's <c>MaxConcurrentRequests</c>). <see cref="WalkTotals.Apps"/> counts the apps visited,
    /// <see cref="WalkTotals.FailedClients"/> the visits that threw (their <see cref="JobError"/> names the app, no client).
    /// </summary>
    public async Task<WalkTotals> WalkAppsAsync(
        TargetFilter filter,
        int maxParallelism,
        Func<AppVisit, CancellationToken, ValueTask> visit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(visit);
        var errors = new ConcurrentQueue<JobError>();
        var deployments = clients.DeploymentIds.Where(d => filter.MayInclude(d)).ToList();
        var totals = await Task.WhenAll(deployments.Select(async deploymentId =>
        {
            var wacht = clients.GetClient(deploymentId);
            IReadOnlyList<OAuthApp> apps;
            try
            {
                apps = await wacht.ListOAuthAppsAsync(cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                Record(errors, e, deploymentId, null, null);
                return (Apps: 0, Failed: 0);
            }

            var included = apps.Where(a => filter.MayInclude(deploymentId, a.Slug)).ToList();
            var failed = 0;
            await Parallel.ForEachAsync(
                included,
                new ParallelOptions { MaxDegreeOfParallelism = Limit(deploymentId, maxParallelism), CancellationToken = cancellationToken },
                async (app, ct) =>
                {
                    try
                    {
                        await visit(new AppVisit(deploymentId, wacht, app), ct);
                    }
                    catch (Exception e) when (!ct.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref failed);
                        Record(errors, e, deploymentId, app.Slug, null);
                    }
                });
            return (Apps: included.Count, Failed: failed);
        }));
        return new WalkTotals(deployments.Count, totals.Sum(static t => t.Apps), 0, totals.Sum(static t => t.Failed), [.. errors]);
    }

    private int Limit(string deploymentId, int maxParallelism) =>
        wachtOptions.Value.Deployments.TryGetValue(deploymentId, out var options)
            ? Math.Max(1, Math.Min(maxParallelism, options.MaxConcurrentRequests))
            : Math.Max(1, maxParallelism);

    private void Record(ConcurrentQueue<JobError> errors, Exception exception, string deploymentId, string? appSlug, string? oauthClientId)
    {
        var failure = CommandFailure.From(exception);
        errors.Enqueue(new JobError(deploymentId, appSlug, oauthClientId, failure.Code, failure.Message));
        LogWalkError(deploymentId, appSlug ?? "-", oauthClientId ?? "-", failure.Code, failure.Message);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Scheduled job could not walk deployment {DeploymentId} app {AppSlug} client {OAuthClientId}: {ErrorCode} {ErrorMessage}")]
    private partial void LogWalkError(string deploymentId, string appSlug, string oauthClientId, string errorCode, string errorMessage);
}
