using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Wacht.Worker.Health;
using Wacht.Worker.Hosting;
using Wacht.Worker.Jobs;
using Wacht.Worker.Ledger;
using Wacht.Worker.Messaging;
using Wacht.Worker.Telemetry;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Deploy;

/// <summary>
/// deploy/k8s rendered offline with <c>kubectl kustomize</c> (Debian's <c>kubernetes-client</c>; <c>./build.sh test</c>
/// installs it when missing) and checked against the worker's own configuration: the probes ask the listener's paths on
/// its configured port, and every secret setting points at a Secret the pod mounts or maps.
/// </summary>
public sealed class KubernetesManifestTests
{
    [Fact]
    public async Task Base_RendersWithTwoReplicas_ProbesOnTheListenersPathsAndPort_AndAScrapeAnnotation()
    {
        var rendered = await RenderAsync();
        var deployment = Single(rendered, "Deployment");
        var pod = deployment.GetProperty("spec").GetProperty("template");
        var container = Assert.Single(pod.GetProperty("spec").GetProperty("containers").EnumerateArray());
        var health = Settings(Single(rendered, "ConfigMap")).GetSection(HealthOptions.SectionPath).Get<HealthOptions>() ?? new HealthOptions();

        Assert.Equal("2", deployment.Text("spec", "replicas"));
        Assert.True(health.Enabled);
        Assert.Equal(HealthListener.LivePath, container.Text("livenessProbe", "httpGet", "path"));
        Assert.Equal(HealthListener.ReadyPath, container.Text("readinessProbe", "httpGet", "path"));
        Assert.Equal(health.Port, Port(container, container.Text("livenessProbe", "httpGet", "port")!));
        Assert.Equal(health.Port, Port(container, container.Text("readinessProbe", "httpGet", "port")!));
        Assert.Equal("true", pod.Text("metadata", "annotations", "prometheus.io/scrape"));
        Assert.Equal(health.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), pod.Text("metadata", "annotations", "prometheus.io/port"));
        Assert.Equal(PrometheusScrapeEndpoint.Path, pod.Text("metadata", "annotations", "prometheus.io/path"));

        // The readiness probe outlasts one check's timeout; the grace period outlasts the default shutdown budget.
        Assert.True(int.Parse(container.Text("readinessProbe", "timeoutSeconds")!, System.Globalization.CultureInfo.InvariantCulture) > health.CheckTimeout.TotalSeconds);
        var budget = ShutdownBudget.From(new RetryOptions(), ShutdownBudget.DefaultAttempt);
        Assert.True(int.Parse(pod.Text("spec", "terminationGracePeriodSeconds")!, System.Globalization.CultureInfo.InvariantCulture) > budget.ShutdownTimeout.TotalSeconds);

        foreach (var kind in (string[])["requests", "limits"])
        {
            Assert.NotNull(container.Text("resources", kind, "cpu"));
            Assert.NotNull(container.Text("resources", kind, "memory"));
        }

        Assert.Equal("true", pod.Text("spec", "securityContext", "runAsNonRoot"));
        Assert.Equal("false", container.Text("securityContext", "allowPrivilegeEscalation"));

        // The service account exists; the disruption budget keeps one replica and selects exactly these pods.
        Assert.Equal(Single(rendered, "ServiceAccount").Text("metadata", "name"), pod.Text("spec", "serviceAccountName"));
        var pdb = Single(rendered, "PodDisruptionBudget");
        Assert.Equal("1", pdb.Text("spec", "minAvailable"));
        var podLabels = pod.GetProperty("metadata").GetProperty("labels");
        Assert.All(pdb.GetProperty("spec").GetProperty("selector").GetProperty("matchLabels").EnumerateObject(), l => Assert.Equal(l.Value.GetString(), podLabels.Text(l.Name)));
    }

    [Fact]
    public async Task Base_SharesAPostgreSqlLedgerAndClusteredSchedule_AndTakesEverySecretFromASecret()
    {
        var rendered = await RenderAsync();
        var settings = Settings(Single(rendered, "ConfigMap"));
        var pod = Single(rendered, "Deployment").GetProperty("spec").GetProperty("template").GetProperty("spec");
        var container = Assert.Single(pod.GetProperty("containers").EnumerateArray());

        var ledger = settings.GetSection(LedgerOptions.SectionPath).Get<LedgerOptions>()!;
        var scheduling = settings.GetSection(SchedulingOptions.SectionPath).Get<SchedulingOptions>()!;
        var messaging = settings.GetSection(MessagingOptions.SectionPath).Get<MessagingOptions>()!;
        Assert.Equal(LedgerProvider.PostgreSql, ledger.Provider);
        Assert.Equal((SchedulingStore.PostgreSql, true), (scheduling.Store, scheduling.IsClustered));
        Assert.Equal(TransportKind.RabbitMq, messaging.Transport);
        Assert.Equal("false", settings["Worker:Embedded:Enabled"]);
        Assert.Null(ledger.ConnectionString);
        Assert.Null(ledger.EncryptionKey);
        Assert.Null(messaging.RabbitMq.Password);

        // Variables named by *EnvironmentVariable settings come from Secrets.
        var fromSecrets = container.GetProperty("env").EnumerateArray()
            .Where(e => e.Text("valueFrom", "secretKeyRef", "name") is not null)
            .Select(e => e.Text("name")!)
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains(ledger.ConnectionStringEnvironmentVariable!, fromSecrets);
        Assert.Contains(messaging.RabbitMq.PasswordEnvironmentVariable!, fromSecrets);

        // Files named by *File settings lie in volumes mounted from Secrets.
        var secretVolumes = pod.GetProperty("volumes").EnumerateArray()
            .Where(v => v.Text("secret", "secretName") is not null)
            .Select(v => v.Text("name")!)
            .ToHashSet(StringComparer.Ordinal);
        var secretMounts = container.GetProperty("volumeMounts").EnumerateArray()
            .Where(m => secretVolumes.Contains(m.Text("name")!))
            .Select(m => m.Text("mountPath")!.TrimEnd('/') + "/")
            .ToList();
        var keyFiles = settings.GetSection("Wacht:Deployments").GetChildren().Select(d => d["ApiKeyFile"]).Append(ledger.EncryptionKeyFile).ToList();
        Assert.True(keyFiles.Count >= 2);
        Assert.All(keyFiles, file => Assert.Contains(secretMounts, mount => file!.StartsWith(mount, StringComparison.Ordinal)));
        Assert.All(settings.GetSection("Wacht:Deployments").GetChildren(), d => Assert.Null(d["ApiKey"]));

        // The file destination is a volume every replica shares.
        var destination = settings["Worker:Secrets:File:Directory"]!;
        var mount = Assert.Single(container.GetProperty("volumeMounts").EnumerateArray(), m => destination.StartsWith(m.Text("mountPath")!, StringComparison.Ordinal));
        var claim = pod.GetProperty("volumes").EnumerateArray().Single(v => v.Text("name") == mount.Text("name")).Text("persistentVolumeClaim", "claimName");
        var pvc = Assert.Single(rendered, d => d.Text("kind") == "PersistentVolumeClaim" && d.Text("metadata", "name") == claim);
        Assert.Contains("ReadWriteMany", pvc.GetProperty("spec").GetProperty("accessModes").EnumerateArray().Select(m => m.GetString()));
    }

    /// <summary>Renders deploy/k8s offline; no cluster is contacted.</summary>
    private static async Task<IReadOnlyList<JsonElement>> RenderAsync()
    {
        var start = new ProcessStartInfo("kubectl", ["kustomize", Repository.File("deploy/k8s")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException(
                "kubectl is not installed: `apt-get install kubernetes-client` (./build.sh test does it when missing).", exception);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"kubectl kustomize deploy/k8s failed: {await error}");
            return Yaml.Documents(await output);
        }
    }

    private static JsonElement Single(IReadOnlyList<JsonElement> documents, string kind) => Assert.Single(documents, d => d.Text("kind") == kind);

    /// <summary>The ConfigMap's variables as the worker reads them (<c>Section__Key</c> is <c>Section:Key</c>).</summary>
    private static IConfiguration Settings(JsonElement configMap) =>
        new ConfigurationBuilder().AddInMemoryCollection(
            configMap.GetProperty("data").EnumerateObject().Select(p => new KeyValuePair<string, string?>(p.Name.Replace("__", ":", StringComparison.Ordinal), p.Value.GetString())))
            .Build();

    /// <summary>A probe's port: a number, or the name of one of the container's ports.</summary>
    private static int Port(JsonElement container, string port) =>
        int.TryParse(port, out var number)
            ? number
            : int.Parse(container.GetProperty("ports").EnumerateArray().Single(p => p.Text("name") == port).Text("containerPort")!, System.Globalization.CultureInfo.InvariantCulture);
}
