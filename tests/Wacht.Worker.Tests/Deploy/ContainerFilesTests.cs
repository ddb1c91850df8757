using System.Text.Json;
using System.Text.RegularExpressions;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Deploy;

/// <summary>
/// deploy/worker/Dockerfile, .dockerignore and docker-compose.yml, read: no Docker engine runs here yet (issue 15 builds
/// and runs them), so these keep them consistent with the worker they package.
/// </summary>
public sealed class ContainerFilesTests
{
    [Fact]
    public void WorkerDockerfile_RestoresFirst_RunsAsNonRoot_InProduction_WithoutTheEmulator_AndChecksItselfLive()
    {
        var dockerfile = File.ReadAllLines(Repository.File("deploy/worker/Dockerfile")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        int Index(Func<string, bool> match) => dockerfile.FindIndex(l => match(l));

        // Restore layer: the project files are copied and restored before the sources.
        var restore = Index(l => l.StartsWith("RUN dotnet restore", StringComparison.Ordinal));
        Assert.True(restore > Index(l => l.StartsWith("COPY src/Wacht.Worker/Wacht.Worker.csproj", StringComparison.Ordinal)));
        Assert.True(restore < Index(l => l == "COPY src/ src/"));

        var runtime = Index(l => l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:", StringComparison.Ordinal));
        var final = dockerfile.Skip(runtime).ToList();
        var user = Assert.Single(final, l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.DoesNotMatch("^USER (root|0)$", user);
        var environment = string.Join(' ', final.Where(l => l.StartsWith("ENV", StringComparison.Ordinal) || l.StartsWith("Worker__", StringComparison.Ordinal)));
        Assert.Contains("DOTNET_ENVIRONMENT=Production", environment, StringComparison.Ordinal);
        Assert.Contains("Worker__Embedded__Enabled=false", environment, StringComparison.Ordinal);

        // The HEALTHCHECK runs the worker's own probe command, which must exist and ask /health/live.
        var healthcheck = Assert.Single(final, l => l.StartsWith("HEALTHCHECK", StringComparison.Ordinal));
        Assert.Contains("CMD [\"dotnet\", \"Wacht.Worker.dll\", \"healthcheck\"]", healthcheck, StringComparison.Ordinal);
        Assert.Contains(WorkerCli.Create(TextWriter.Null, TextWriter.Null).Subcommands, c => c.Name == "healthcheck");
        Assert.Equal("/health/live", Wacht.Worker.Health.HealthProbeCommand.ProbeUrl(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), ready: false).AbsolutePath);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"Wacht.Worker.dll\"]", final);
    }

    [Fact]
    public void DockerIgnore_KeepsBuildOutputLocalDataAndGitOutOfTheContext()
    {
        var patterns = File.ReadAllLines(Repository.File(".dockerignore")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet(StringComparer.Ordinal);

        Assert.Superset(new HashSet<string>(["**/bin", "**/obj", "**/data", ".git"], StringComparer.Ordinal), patterns);
    }

    [Fact]
    public void Compose_GivesEveryServiceAHealthCheck_AndRunsTwoWorkersOnOnePostgreSqlLedger()
    {
        var compose = Assert.Single(Yaml.Documents(File.ReadAllText(Repository.File("docker-compose.yml"))));
        var services = compose.GetProperty("services").EnumerateObject().ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal);

        Assert.All(services, s => Assert.True(s.Value.TryGetProperty("healthcheck", out var check) && check.TryGetProperty("test", out _), $"{s.Key} has no health check"));

        var workers = services.Where(s => s.Value.Text("build", "dockerfile") == "deploy/worker/Dockerfile").ToList();
        Assert.Equal(2, workers.Count);
        string? Setting(JsonElement worker, string key) => worker.Text("environment", key);
        foreach (var (_, worker) in workers)
        {
            Assert.Equal("PostgreSql", Setting(worker, "Worker__Ledger__Provider"));
            Assert.Equal("PostgreSql", Setting(worker, "Worker__Scheduling__Store"));
            Assert.Equal("RabbitMq", Setting(worker, "Worker__Messaging__Transport"));
            Assert.Equal("false", Setting(worker, "Worker__Embedded__Enabled"));
            Assert.Matches(new Regex("Host=postgres;", RegexOptions.None, TimeSpan.FromSeconds(1)), Setting(worker, "Worker__Ledger__ConnectionString")!);
            Assert.Contains("--ready", worker.GetProperty("healthcheck").GetProperty("test").EnumerateArray().Select(t => t.GetString()));
            foreach (var dependency in (string[])["rabbitmq", "postgres", "wacht-emulator"])
            {
                Assert.Equal("service_healthy", worker.Text("depends_on", dependency, "condition"));
            }
        }

        // One ledger, one schedule and one secrets volume for both; distinct scheduler instances and host ports.
        Assert.Equal(Setting(workers[0].Value, "Worker__Ledger__ConnectionString"), Setting(workers[1].Value, "Worker__Ledger__ConnectionString"));
        Assert.Equal(workers[0].Value.GetProperty("volumes").GetRawText(), workers[1].Value.GetProperty("volumes").GetRawText());
        Assert.NotEqual(Setting(workers[0].Value, "Worker__Scheduling__InstanceId"), Setting(workers[1].Value, "Worker__Scheduling__InstanceId"));
        Assert.NotEqual(workers[0].Value.GetProperty("ports").GetRawText(), workers[1].Value.GetProperty("ports").GetRawText());
    }
}
