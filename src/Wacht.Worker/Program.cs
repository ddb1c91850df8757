using Wacht.Worker;

// The command line (run until stopped, demo, sweep, audit) is WorkerCli; MainAsync first makes the content root (the
// binary's directory, or DOTNET_CONTENTROOT) the working directory. Tests call WorkerCli.RunAsync in-process.
return await WorkerCli.MainAsync(args, Console.Out, Console.Error);
