using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Wacht.Worker.Demo;
using Wacht.Worker.Health;
using Wacht.Worker.Jobs;

namespace Wacht.Worker;

/// <summary>
/// The worker's command line: without a command it runs until stopped; <c>demo</c>, <c>sweep</c> and <c>audit</c> run
/// once. Configuration comes from appsettings.json, environment variables (Worker__Messaging__Transport=RabbitMq) and
/// <c>--Key=Value</c> arguments, which the command line passes through to the host.
/// </summary>
internal static class WorkerCli
{
    private const string ExitCodes =
        " Exit codes: 0 the run completed without errors and every command it sent succeeded; 2 the run completed but "
        + "reported errors, or a command failed or got no result in time; 1 the run itself failed (an exception, or bad configuration).";

    /// <summary>Parses and runs <paramref name="args"/>, printing to <paramref name="output"/> and <paramref name="error"/>; returns the exit code.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        Create(output, error).Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);

    public static RootCommand Create(TextWriter output, TextWriter error)
    {
        var root = new RootCommand(
            "Wacht.Worker: consumes RotateSecret, RevokeGrant and SyncScopes commands, executes them against Wacht and "
            + "publishes result events, and runs the scheduled rotation sweep and grant audit. Without a command it runs until stopped.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            await using var app = await WorkerApp.BuildAsync([.. parse.UnmatchedTokens], cancellationToken);
            await app.Host.RunAsync(cancellationToken);
            return 0;
        });

        var demo = new Command(
            "demo",
            "Start the worker, send one RotateSecret, RevokeGrant and SyncScopes command to it through the configured transport, "
            + "print each command and the event that came back, then stop. Exits 1 if a command did not succeed.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        demo.SetAction(async (parse, cancellationToken) =>
        {
            await using var app = await WorkerApp.BuildAsync([.. parse.UnmatchedTokens, HealthServiceCollectionExtensions.ListenerOff], cancellationToken);
            return await DemoRun.RunAsync(app, output, cancellationToken);
        });
        root.Subcommands.Add(demo);

        root.Subcommands.Add(HealthProbeCommand.Create(output, error));
        root.Subcommands.Add(JobCommand(
            "sweep",
            "Run the secret-rotation sweep once now (trigger manual) and print its decisions: which clients are due or nearly due, "
            + "what was done about each, and the counts. Then wait for the results of the RotateSecret commands it sent.",
            OnDemandRun.SweepAsync,
            output,
            error));
        root.Subcommands.Add(JobCommand(
            "audit",
            "Run the grant audit once now (trigger manual) and print its findings and counts. Then wait for the results of the "
            + "RevokeGrant commands it sent (only for finding kinds whose Worker:GrantAudit:Remediation is Revoke).",
            OnDemandRun.AuditAsync,
            output,
            error));
        return root;
    }

    private static Command JobCommand(
        string name,
        string description,
        Func<WorkerApp, OnDemandSettings, TextWriter, TextWriter, CancellationToken, Task<int>> run,
        TextWriter output,
        TextWriter error)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Report what would be done; send no command." };
        var wait = new Option<int>("--wait")
        {
            Description = "How many seconds to wait for the results of the commands sent. Default 120.",
            DefaultValueFactory = _ => 120,
        };
        var noWait = new Option<bool>("--no-wait") { Description = "Do not wait for the results of the commands sent." };
        var command = new Command(name, description + ExitCodes)
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.Options.Add(dryRun);
        command.Options.Add(wait);
        command.Options.Add(noWait);
        wait.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--wait must be zero or more seconds.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new OnDemandSettings(
                parse.GetValue(dryRun),
                parse.GetValue(noWait) ? null : TimeSpan.FromSeconds(parse.GetValue(wait)));
            WorkerApp app;
            try
            {
                // The cron jobs must not also fire in this process.
                app = await WorkerApp.BuildAsync([.. parse.UnmatchedTokens, OnDemandRun.SchedulingOff, HealthServiceCollectionExtensions.ListenerOff], cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                await error.WriteLineAsync($"The worker could not be built: {exception.Message}");
                return OnDemandRun.RunFailed;
            }

            await using (app)
            {
                return await run(app, settings, output, error, cancellationToken);
            }
        });
        return command;
    }
}
