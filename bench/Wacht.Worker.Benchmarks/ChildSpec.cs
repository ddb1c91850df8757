namespace Wacht.Worker.Benchmarks;

/// <summary>What the orchestrator asks one child process to run (written as JSON to the child's work folder).</summary>
internal sealed record ChildSpec
{
    /// <summary>A <see cref="PartNames"/> value.</summary>
    public string Part { get; init; } = "";

    public string WorkDirectory { get; init; } = "";

    /// <summary>The emulator's base URL.</summary>
    public string BaseUrl { get; init; } = "";

    public IReadOnlyList<BenchDeployment> Deployments { get; init; } = [];

    /// <summary>The Wacht client's per-deployment <c>MaxConcurrentRequests</c> (and the bare floors' concurrency per deployment).</summary>
    public int MaxConcurrentRequests { get; init; } = 8;

    /// <summary>Further worker settings (<c>--set Key=Value</c>).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    public BenchRabbit? Rabbit { get; init; }

    /// <summary>Command pipeline: commands executed at once (the worker's <c>ConcurrentMessageLimit</c>, the floor's dispatch concurrency).</summary>
    public int Concurrency { get; init; }

    /// <summary>Command pipeline: the broker's prefetch for the consumer.</summary>
    public int Prefetch { get; init; }

    /// <summary>The worker service's health port (ready when it answers).</summary>
    public int HealthPort { get; init; }
}

/// <summary>One Wacht deployment of the generated world, with the environment variable holding its API key.</summary>
internal sealed record BenchDeployment(string Id, string ApiKeyVariable);

/// <summary>The broker and the benchmark's own virtual host.</summary>
internal sealed record BenchRabbit(string Host, int Port, string VirtualHost, string Username, string PasswordVariable);

/// <summary>The child parts.</summary>
internal static class PartNames
{
    public const string WorkerAudit = "worker-audit";
    public const string WorkerSweep = "worker-sweep";
    public const string WorkerService = "worker-service";
    public const string FloorAudit = "floor-audit";
    public const string FloorConsumer = "floor-consumer";
}

/// <summary>What a child measured (its last stdout line, <c>BENCH-RESULT {json}</c>).</summary>
internal sealed record ChildResult
{
    public const string Prefix = "BENCH-RESULT ";

    /// <summary>The measured run (the job's own duration for the worker; the walk for the floor).</summary>
    public double Seconds { get; init; }

    public long PeakWorkingSetBytes { get; init; }

    public long PeakGcHeapBytes { get; init; }

    /// <summary>The child's CPU time, user and system, over its whole life (start-up included).</summary>
    public double CpuSeconds { get; init; }

    public long Calls { get; init; }

    public long Clients { get; init; }

    public long Grants { get; init; }

    public long Findings { get; init; }

    /// <summary>Lines of the printed report (worker audit and sweep).</summary>
    public long ReportLines { get; init; }

    public int ExitCode { get; init; }

    public string? Error { get; init; }
}
