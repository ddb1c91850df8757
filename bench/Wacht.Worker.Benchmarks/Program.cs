using Wacht.Worker.Benchmarks;

return await BenchProgram.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
