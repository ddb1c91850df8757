using System.Diagnostics;

namespace Wacht.Worker.Telemetry;

/// <summary>
/// The worker's own spans (ActivitySource <c>Wacht.Worker</c>): one per step of a command (<see cref="CommandSteps"/>)
/// and one per run of a scheduled job. They sit inside MassTransit's consume span, so a command's trace runs from the
/// sender's send span through the consume, the steps and the HTTP calls to the published result event.
/// </summary>
/// <remarks>
/// Spans carry ids, kinds and codes only: never a secret, an API key, a message body or an exception message (an
/// exception is recorded by its type name, which cannot hold a value).
/// </remarks>
public static class WorkerActivitySource
{
    /// <summary>The ActivitySource name; OpenTelemetry's <c>AddSource("Wacht.Worker")</c>.</summary>
    public const string Name = "Wacht.Worker";

    internal static readonly ActivitySource Source = new(Name, typeof(WorkerActivitySource).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// Starts the span of one command step (<see cref="CommandSteps"/>), named <c>"{kind} {step}"</c> (e.g.
    /// <c>rotate-secret lock</c>), tagged with the command's identity. Null when nothing listens. Dispose it when the
    /// step ends; call <see cref="Failed"/> first when the step failed.
    /// </summary>
    /// <param name="step">One of <see cref="CommandSteps"/>.</param>
    /// <param name="kind">The command's kind (<c>rotate-secret</c>, <c>revoke-grant</c>, <c>sync-scopes</c>).</param>
    /// <param name="targetId">The OAuth client record id, when the command targets one.</param>
    internal static Activity? StartCommandStep(string step, string kind, Guid commandId, string? deploymentId, string? appSlug, string? targetId)
    {
        var activity = Source.StartActivity($"{kind} {step}", ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(TagNames.CommandStep, step);
            activity.SetTag(TagNames.CommandKind, kind);
            activity.SetTag(TagNames.CommandId, commandId.ToString());
            activity.SetTag(TagNames.DeploymentId, deploymentId);
            activity.SetTag(TagNames.AppSlug, appSlug);
            activity.SetTag(TagNames.OAuthClientId, targetId);
        }

        return activity;
    }

    /// <summary>Starts the span of one run of a scheduled job (<c>rotation-sweep run</c>, <c>grant-audit run</c>). Null when nothing listens.</summary>
    /// <param name="job">A <see cref="Ledger.JobNames"/> value.</param>
    /// <param name="trigger">A <see cref="Contracts.JobTriggers"/> value.</param>
    internal static Activity? StartJobRun(string job, string trigger, DateTimeOffset? scheduledFireAt)
    {
        var activity = Source.StartActivity($"{job} run", ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(TagNames.Job, job);
            activity.SetTag(TagNames.JobTrigger, trigger);
            if (scheduledFireAt is { } fireAt)
            {
                activity.SetTag(TagNames.JobScheduledFireAt, fireAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return activity;
    }

    /// <summary>
    /// Marks a span failed with a code (an <see cref="Contracts.ErrorCodes"/> value or another fixed word) and, when given,
    /// the exception's type name as <c>error.type</c>. The exception's message is deliberately not recorded.
    /// </summary>
    internal static void Failed(Activity? activity, string code, Exception? exception = null)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, code);
        activity.SetTag(TagNames.ErrorCode, code);
        activity.SetTag(TagNames.ErrorType, exception?.GetType().FullName ?? code);
    }

    /// <summary>The tag names of the worker's spans.</summary>
    internal static class TagNames
    {
        public const string CommandStep = "wacht.command.step";
        public const string CommandKind = "wacht.command.kind";
        public const string CommandId = "wacht.command.id";
        public const string DeploymentId = "wacht.deployment.id";
        public const string AppSlug = "wacht.app.slug";
        public const string OAuthClientId = "wacht.oauth_client.id";
        public const string Job = "wacht.job.name";
        public const string JobTrigger = "wacht.job.trigger";
        public const string JobScheduledFireAt = "wacht.job.scheduled_fire_at";
        public const string JobRunId = "wacht.job.run_id";
        public const string ErrorCode = "wacht.error.code";
        public const string ErrorType = "error.type";
    }
}
