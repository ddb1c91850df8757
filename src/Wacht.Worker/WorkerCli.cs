using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Wacht.Worker.CommandLine;
using Wacht.Worker.Demo;
using Wacht.Worker.Health;
using Wacht.Worker.Hosting;
using Wacht.Worker.Jobs;
using Wacht.Worker.Startup;

namespace Wacht.Worker;

/// <summary>
/// The worker's command line: without a command it runs until stopped; <c>demo</c>, <c>sweep</c> and <c>audit</c> run
/// once. Settings come from appsettings.json, environment variables (Worker__Messaging__Transport=RabbitMq) and
/// <c>--set Key=Value</c>, the only way a command-line token becomes a setting. Anything the command line does not know
/// (a misspelt command or option, a malformed value) is a usage error: exit code 1 and one line on stderr naming the
/// nearest valid name, before anything starts.
/// </summary>
internal static class WorkerCli
{
    /// <summary>The exit code of a usage error or a refused start.</summary>
    public const int Failed = 1;

    /// <summary>The longest <c>--wait</c> accepted: one day.</summary>
    public const int MaxWaitSeconds = 86_400;

    private const string ExitCodes =
        " Exit codes: 0 the run completed without errors and every command it sent succeeded; 2 the run completed but "
        + "reported errors, or a command failed or got no result in time; 1 the run itself failed (a usage error, bad "
        + "configuration, an exception).";

    private const string ConfigurationHelp =
        " Settings: appsettings.json and appsettings.{Environment}.json in the content root (the binary's directory, or "
        + "DOTNET_CONTENTROOT), environment variables (Worker__Messaging__Transport=RabbitMq) and --set Key=Value; relative "
        + "paths in settings resolve against the content root. Outside the Development environment (DOTNET_ENVIRONMENT; a "
        + "published binary runs in Production) the embedded emulator and the in-memory transport are refused unless "
        + "Worker:AllowDevelopmentDefaults is true.";

    /// <summary>
    /// The process entry point: makes the content root (the binary's directory, or DOTNET_CONTENTROOT) the working
    /// directory, so configuration and every relative path in it mean the same files wherever the worker is started from.
    /// </summary>
    public static async Task<int> MainAsync(string[] args, TextWriter output, TextWriter error)
    {
        var contentRoot = ContentRoot.Resolve(Environment.GetEnvironmentVariable(ContentRoot.Variable), AppContext.BaseDirectory);
        if (!Directory.Exists(contentRoot))
        {
            await error.WriteLineAsync($"Wacht.Worker: {ContentRoot.Variable}: the content root '{contentRoot}' is not a directory");
            return Failed;
        }

        Directory.SetCurrentDirectory(contentRoot);
        return await RunAsync(args, output, error);
    }

    /// <summary>Parses and runs <paramref name="args"/>, printing to <paramref name="output"/> and <paramref name="error"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        var root = Create(output, error);

        // No response files: an @token must not pull arguments (or settings) from a file.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (UsageErrors.Describe(parse) is { } usage)
        {
            await error.WriteLineAsync($"Wacht.Worker: {usage}");
            return Failed;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

    public static RootCommand Create(TextWriter output, TextWriter error)
    {
        var set = new Option<string[]>("--set")
        {
            Description = "A setting, as Key=Value with ':' between sections (Worker:Messaging:Transport=RabbitMq). Repeatable; "
                + "wins over appsettings.json and environment variables. Do not put secrets here (command lines are visible to other users).",
            HelpName = "Key=Value",
            Recursive = true,
            Arity = ArgumentArity.OneOrMore,
            CustomParser = ParseSettings,
        };
        var root = new RootCommand(
            "Wacht.Worker: consumes RotateSecret, RevokeGrant and SyncScopes commands, executes them against Wacht and "
            + "publishes result events, and runs the scheduled rotation sweep and grant audit. Without a command it runs until stopped "
            + "and exits 0, or 75 when the consumer watchdog stopped it because command queues had lost their consumers (start it again)."
            + ConfigurationHelp);
        root.Directives.Clear();
        root.Options.Add(set);
        root.SetAction(async (parse, cancellationToken) =>
        {
            var app = await BuildAsync(parse, set, WorkerHostMode.Service, error, cancellationToken, healthListener: true);
            if (app is null)
            {
                return Failed;
            }

            await using (app)
            {
                // Resolved before running: RunAsync disposes the host's services when it returns.
                var exitCode = app.Host.Services.GetService<HostExitCode>();
                await app.Host.RunAsync(cancellationToken);

                // 0 for a requested stop; the consumer watchdog's code when it stopped a process that lost its consumers.
                return exitCode?.Value ?? 0;
            }
        });

        var demo = new Command(
            "demo",
            "Start the worker, send one RotateSecret, RevokeGrant and SyncScopes command to it through the configured transport, "
            + "print each command and the event that came back, then stop. Exits 1 if a command did not succeed.");
        demo.SetAction(async (parse, cancellationToken) =>
        {
            var app = await BuildAsync(parse, set, WorkerHostMode.Service, error, cancellationToken);
            if (app is null)
            {
                return Failed;
            }

            await using (app)
            {
                return await DemoRun.RunAsync(app, output, cancellationToken);
            }
        });
        root.Subcommands.Add(demo);

        root.Subcommands.Add(JobCommand(
            "sweep",
            "Run the secret-rotation sweep once now (trigger manual) and print its decisions: which clients are due or nearly due, "
            + "what was done about each, and the counts. Then wait for the results of the RotateSecret commands it sent. "
            + "This process only sends: it consumes no command and runs no scheduler.",
            OnDemandRun.SweepAsync,
            set,
            output,
            error));
        root.Subcommands.Add(JobCommand(
            "audit",
            "Run the grant audit once now (trigger manual) and print its findings and counts. Then wait for the results of the "
            + "RevokeGrant commands it sent (only for finding kinds whose Worker:GrantAudit:Remediation is Revoke). "
            + "This process only sends: it consumes no command and runs no scheduler.",
            OnDemandRun.AuditAsync,
            set,
            output,
            error));
        root.Subcommands.Add(HealthProbeCommand.Create(set, output, error));
        return root;
    }

    private static Command JobCommand(
        string name,
        string description,
        Func<WorkerApp, OnDemandSettings, TextWriter, TextWriter, CancellationToken, Task<int>> run,
        Option<string[]> set,
        TextWriter output,
        TextWriter error)
    {
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Report what would be done and change nothing: no command sent, no warning or finding published or "
                + "recorded; only the run's own record and summary, both marked dry run.",
        };
        var wait = new Option<int>("--wait")
        {
            Description = $"How many seconds to wait for the results of the commands sent, 0 to {MaxWaitSeconds}. Default 120.",
            HelpName = "seconds",
            DefaultValueFactory = _ => 120,
            CustomParser = ParseWait,
        };
        var noWait = new Option<bool>("--no-wait") { Description = "Do not wait for the results of the commands sent." };
        var command = new Command(name, description + ExitCodes);
        command.Options.Add(dryRun);
        command.Options.Add(wait);
        command.Options.Add(noWait);
        command.Validators.Add(result =>
        {
            if (result.GetResult(wait) is { Implicit: false } && result.GetResult(noWait) is not null)
            {
                result.AddError("--wait and --no-wait cannot be used together");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new OnDemandSettings(
                parse.GetValue(dryRun),
                parse.GetValue(noWait) ? null : TimeSpan.FromSeconds(parse.GetValue(wait)));
            var app = await BuildAsync(parse, set, WorkerHostMode.Sender, error, cancellationToken);
            if (app is null)
            {
                return OnDemandRun.RunFailed;
            }

            await using (app)
            {
                return await run(app, settings, output, error, cancellationToken);
            }
        });
        return command;
    }

    /// <summary>Builds the worker; prints every start-up problem and returns null when it refuses to start.</summary>
    private static async Task<WorkerApp?> BuildAsync(
        ParseResult parse, Option<string[]> set, WorkerHostMode mode, TextWriter error, CancellationToken cancellationToken, bool healthListener = false)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var setting in parse.GetValue(set) ?? [])
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            settings[setting[..equals]] = setting[(equals + 1)..];
        }

        try
        {
            return await WorkerApp.BuildAsync(new WorkerAppOptions { Settings = settings, Mode = mode, HealthListener = healthListener }, cancellationToken);
        }
        catch (WorkerStartupException exception)
        {
            await error.WriteLineAsync(exception.Message);
            return null;
        }
    }

    /// <summary>Checks every <c>--set</c> value: <c>Key=Value</c>, a well-formed key, each key once. Never echoes a value.</summary>
    private static string[] ParseSettings(ArgumentResult result)
    {
        var settings = new List<string>();
        var keys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var token in result.Tokens.Select(static t => t.Value))
        {
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                // Repeated only when it is clearly a key with sections: a bare word may be a secret given without its key.
                result.AddError(SettingKey.IsValid(token) && token.Contains(':', StringComparison.Ordinal)
                    ? $"--set '{token}' has no value: give --set Key=Value, e.g. --set {token}=<value>"
                    : "--set takes Key=Value, e.g. --set Worker:Messaging:Transport=RabbitMq (the value given is not shown)");
                continue;
            }

            var key = token[..equals];
            if (!SettingKey.IsValid(key))
            {
                result.AddError(key.Length == 0
                    ? "--set takes Key=Value and the key before '=' is empty"
                    : $"--set takes Key=Value and '{SettingKey.Printable(key)}' is not a setting key (names of letters, digits, '_', '.' or '-', separated by ':')");
                continue;
            }

            if (!keys.TryAdd(key, key))
            {
                var first = keys[key];
                result.AddError(string.Equals(first, key, StringComparison.Ordinal)
                    ? $"--set {key} is given more than once"
                    : $"--set {key} is given more than once (also as {first}; keys ignore case)");
                continue;
            }

            settings.Add(token);
        }

        return [.. settings];
    }

    private static int ParseWait(ArgumentResult result)
    {
        var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(' ', result.Tokens.Select(static t => t.Value));
        if (int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= MaxWaitSeconds)
        {
            return seconds;
        }

        result.AddError($"--wait takes a whole number of seconds from 0 to {MaxWaitSeconds}, not '{SettingKey.Printable(token)}'");
        return 0;
    }
}
