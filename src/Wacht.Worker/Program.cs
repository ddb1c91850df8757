using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Wacht.Worker;
using Wacht.Worker.Demo;

// Configuration comes from appsettings.json, environment variables (Worker__Messaging__Transport=RabbitMq) and
// --Key=Value arguments, which the command line passes through to the host.
var root = new RootCommand(
    "Wacht.Worker: consumes RotateSecret, RevokeGrant and SyncScopes commands, executes them against Wacht and "
    + "publishes result events. Without a command it runs until stopped.")
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
    await using var app = await WorkerApp.BuildAsync([.. parse.UnmatchedTokens], cancellationToken);
    return await DemoRun.RunAsync(app, Console.Out, cancellationToken);
});
root.Subcommands.Add(demo);

return await root.Parse(args).InvokeAsync();
