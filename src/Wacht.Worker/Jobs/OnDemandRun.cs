using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Wacht.Worker.Contracts;
using Wacht.Worker.Grants;
using Wacht.Worker.Ledger;
using Wacht.Worker.Rotation;
using Wacht.Worker.Telemetry;

namespace Wacht.Worker.Jobs;

/// <summary>How an on-demand run was asked for on the command line.</summary>
/// <param name="DryRun"><c>--dry-run</c>: report, send nothing.</param>
/// <param name="Wait">How long to wait for the results of the commands sent (<c>--wait</c>); null (<c>--no-wait</c>) to not wait.</param>
internal sealed record OnDemandSettings(bool DryRun, TimeSpan? Wait);

/// <summary>
/// The <c>sweep</c> and <c>audit</c> commands: start the worker as a sender (<see cref="WorkerHostMode.Sender"/>: no
/// command consumer, no scheduler), run the job once with trigger <c>manual</c>, print the report, then wait for the
/// results of the commands it sent.
/// </summary>
internal static class OnDemandRun
{
    /// <summary>The run completed, without errors, and every awaited command succeeded.</summary>
    public const int Succeeded = 0;

    /// <summary>The run itself failed: an exception, or bad configuration.</summary>
    public const int RunFailed = 1;

    /// <summary>The run completed but reported errors, or a command failed or timed out.</summary>
    public const int CompletedWithErrors = 2;

    public static Task<int> SweepAsync(WorkerApp app, OnDemandSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        RunAsync(
            JobNames.RotationSweep,
            app,
            settings,
            output,
            error,
            static (outcomes, endpoint) => outcomes.HandleRotations(endpoint),
            static (services, request, ct) => services.GetRequiredService<RotationSweep>().RunAsync(request, ct),
            JobReportPrinter.PrintSweep,
            static report => (report.Summary.DryRun, report.Summary.Errors.Count,
                [
                    .. report.Decisions.Where(d => d.Action == SweepActions.Rotate && d.CommandId is not null).Select(d => d.CommandId!.Value),
                    .. report.SigningKeyDecisions.Where(d => d.Action == SweepActions.Rotate && d.CommandId is not null).Select(d => d.CommandId!.Value),
                    .. report.SecretChecks.Where(i => i.Detail == SecretCheckRemediations.RotateRequested && i.RotateCommandId is not null).Select(i => i.RotateCommandId!.Value),
                ]),
            cancellationToken);

    /// <summary>The audit prints each client's findings while it runs (<see cref="AuditFindingPrinter"/>), its summary at the end.</summary>
    public static Task<int> AuditAsync(WorkerApp app, OnDemandSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var rows = new AuditFindingPrinter(output);
        return RunAsync(
            JobNames.GrantAudit,
            app,
            settings,
            output,
            error,
            static (outcomes, endpoint) => outcomes.HandleRevocations(endpoint),
            (services, request, ct) => services.GetRequiredService<GrantAudit>().RunAsync(request with { CollectItems = false }, rows, ct),
            (report, writer) => JobReportPrinter.PrintAuditSummary(report.Summary, rows.Count, writer),
            report => (report.Summary.DryRun, report.Summary.Errors.Count, rows.RevocationsRequested),
            cancellationToken);
    }

    private static async Task<int> RunAsync<TReport>(
        string job,
        WorkerApp app,
        OnDemandSettings settings,
        TextWriter output,
        TextWriter error,
        Action<CommandOutcomes, IReceiveEndpointConfigurator> handlers,
        Func<IServiceProvider, JobRunRequest, CancellationToken, Task<TReport>> run,
        Action<TReport, TextWriter> print,
        Func<TReport, (bool DryRun, int Errors, IReadOnlyList<Guid> Commands)> outcome,
        CancellationToken cancellationToken)
    {
        var services = app.Host.Services;
        TReport report;
        var outcomes = new CommandOutcomes();
        HostReceiveEndpointHandle? endpoint = null;
        var started = false;
        try
        {
            await app.Host.StartAsync(cancellationToken);
            started = true;

            // Connected before the run so that no result event of a command it sends can arrive unobserved.
            if (!settings.DryRun && settings.Wait is not null)
            {
                endpoint = services.GetRequiredService<IBus>().ConnectReceiveEndpoint(e => handlers(outcomes, e));
                await endpoint.Ready.WaitAsync(cancellationToken);
            }

            var request = new JobRunRequest(JobTriggers.Manual, DryRun: settings.DryRun ? true : null, CollectItems: true);
            using var span = WorkerActivitySource.StartJobRun(job, request.Trigger, null);
            report = await run(services, request, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"The run failed: {exception.GetType().Name}: {exception.Message}");
            if (started)
            {
                await StopAsync(app, endpoint);
            }

            return RunFailed;
        }

        try
        {
            print(report, output);
            var (dryRun, errors, commands) = outcome(report);
            var failedCommands = 0;
            if (!dryRun && settings.Wait is { } wait && commands.Count > 0)
            {
                await output.WriteLineAsync($"\nWaiting up to {wait.TotalSeconds:0} s for the results of {commands.Count} command(s)...");
                foreach (var result in await outcomes.WaitAsync(commands, wait, cancellationToken))
                {
                    failedCommands += result.Succeeded ? 0 : 1;
                    await output.WriteLineAsync(result.Line);
                }

                await output.WriteLineAsync($"{commands.Count - failedCommands} of {commands.Count} command(s) succeeded.");
            }
            else if (!dryRun && commands.Count > 0)
            {
                await output.WriteLineAsync($"\n{commands.Count} command(s) sent; not waiting for their results (--no-wait).");
            }

            return errors == 0 && failedCommands == 0 ? Succeeded : CompletedWithErrors;
        }
        finally
        {
            await StopAsync(app, endpoint);
        }
    }

    private static async Task StopAsync(WorkerApp app, HostReceiveEndpointHandle? endpoint)
    {
        if (endpoint is not null)
        {
            await endpoint.StopAsync(CancellationToken.None);
        }

        await app.Host.StopAsync(CancellationToken.None);
    }
}
