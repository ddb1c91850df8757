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
        var limit = wachtOptions.Value.Deployments.TryGetValue(deploymentId, out var options)
            ? Math.Max(1, Math.Min(maxParallelism, options.MaxConcurrentRequests))
            : Math.Max(1, maxParallelism);

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
