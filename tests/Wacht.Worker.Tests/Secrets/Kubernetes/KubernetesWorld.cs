using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wacht.Worker.Secrets.Kubernetes;
using Wacht.Worker.TestSupport.Fakes.Kubernetes;

namespace Wacht.Worker.Tests.Secrets.Kubernetes;

/// <summary>
/// A fake Kubernetes API with namespace <see cref="Namespace"/>, the worker's user and its RBAC rules (get, create,
/// update secrets; get, patch deployments and statefulsets), and a kubeconfig file pointing at it with the worker's token.
/// </summary>
internal sealed class KubernetesWorld : IAsyncDisposable
{
    public const string Namespace = "apps";
    public const string User = "system:serviceaccount:wacht:wacht-worker";
    public const string Token = "fake-token-of-the-worker";

    private readonly string _directory = Directory.CreateTempSubdirectory("wacht-k8s-").FullName;
    private FakeKubernetesApi? _api;

    public FakeKubernetesApi Api => _api ?? throw new InvalidOperationException("Not started.");

    public string KubeconfigPath => Path.Combine(_directory, "kubeconfig");

    public async Task StartAsync()
    {
        _api = await FakeKubernetesApi.StartAsync();
        _api.Namespaces.Add(Namespace);
        _api.AddUser(Token, User);
        GrantWorker();
        await File.WriteAllTextAsync(KubeconfigPath, Kubeconfig(Token));
    }

    public void GrantWorker()
    {
        Api.Allow(User, "get,create,update", "", "secrets", Namespace);
        Api.Allow(User, "get,patch", "apps", "deployments", Namespace);
        Api.Allow(User, "get,patch", "apps", "statefulsets", Namespace);
    }

    /// <summary>A kubeconfig that points at the fake with another token.</summary>
    public string Kubeconfig(string token) => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: fake
          cluster:
            server: {Api.BaseAddress.ToString().TrimEnd('/')}
        contexts:
        - name: fake
          context:
            cluster: fake
            user: worker
        current-context: fake
        users:
        - name: worker
          user:
            token: {token}
        """;

    /// <summary>The settings of a kubernetes destination named <c>cluster</c> on this world.</summary>
    public Dictionary<string, string?> Settings(string? kubeconfig = null) => new()
    {
        ["Kind"] = "kubernetes",
        ["Namespace"] = Namespace,
        ["Kubeconfig"] = kubeconfig ?? KubeconfigPath,
        ["RequestTimeout"] = "00:00:30", // generous: a cold start on a busy machine is not a timeout
        ["Labels:app.kubernetes.io/part-of"] = "billing",
        ["Annotations:example.com/owner"] = "team-billing",
    };

    /// <summary>A destination built by its kind from settings, as the worker builds it.</summary>
    public KubernetesSecretDestination Destination(ILoggerFactory loggerFactory, Dictionary<string, string?>? settings = null)
    {
        var services = new ServiceCollection().AddSingleton(loggerFactory).AddLogging().BuildServiceProvider();
        var kind = new KubernetesDestinationKind();
        Assert.Empty(kind.Validate("Worker:Secrets:Destinations:cluster", AsSection(settings ?? Settings())));
        return (KubernetesSecretDestination)kind.Create("cluster", AsSection(settings ?? Settings()), services);
    }

    public async ValueTask DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private static IConfigurationSection AsSection(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.ToDictionary(s => "Worker:Secrets:Destinations:cluster:" + s.Key, s => s.Value))
            .Build()
            .GetSection("Worker:Secrets:Destinations:cluster");
}
