using Wacht.Worker;

// The command line (run until stopped, demo, sweep, audit) is WorkerCli, callable from tests.
return await WorkerCli.RunAsync(args, Console.Out, Console.Error);
