using System.Collections.Concurrent;
using System.Diagnostics;
using Wacht.Worker.Secrets;

namespace Wacht.Worker.Tests.Secrets.Kubernetes;

/// <summary>
/// The destination contract on the Kubernetes Secret destination, the official client pointed at the fake API server
/// through a kubeconfig file. Unreachable: the server drops connections. Forbidden: the worker's RBAC rules are revoked.
/// Slow: the server holds requests about the Secret past the destination's request timeout. Conflict: another worker
/// writes the Secret while this one's write is on its way (409 on the resourceVersion).
/// </summary>
public sealed class KubernetesSecretDestinationContractTests : SecretDestinationContractTests, IDisposable
{
    private readonly KubernetesWorld _world = new();
    private readonly ConcurrentQueue<string> _diagnostics = new();
    private readonly IDisposable _listeners;

    public KubernetesSecretDestinationContractTests()
    {
        _listeners = DiagnosticListener.AllListeners.Subscribe(new DiagnosticCapture(_diagnostics));
    }

    protected override IEnumerable<string> Diagnostics => _diagnostics;

    protected override TimeSpan SlowCallGiveUp => TimeSpan.FromSeconds(2);

    protected override IEnumerable<SecretTarget> UnstorableTargets =>
    [
        new(Deployment, "Billing-API", "7283910238471000001", "oc_abc"),
        new(Deployment, "v1..beta", "7283910238471000001", "oc_abc"),
        new(Deployment, "billing_api", "7283910238471000001", "oc_abc"),
        new(Deployment, App, "7283/910238471000001", "oc_abc"),
        new(Deployment, new string('a', 250), "7283910238471000001", "oc_abc"),
        new(Deployment, "", "7283910238471000001", "oc_abc"),
    ];

    public void Dispose() => _listeners.Dispose();

    protected override async Task<ISecretDestination> CreateDestinationAsync()
    {
        await _world.StartAsync();
        return OpenAnotherInstance();
    }

    protected override ISecretDestination OpenAnotherInstance() => _world.Destination(LoggerFactory);

    protected override async Task DeleteBackingStoreAsync() => await _world.DisposeAsync();

    protected override Task MakeUnreachableAsync()
    {
        _world.Api.Unreachable = true;
        return Task.CompletedTask;
    }

    protected override Task MakeForbiddingAsync(string key)
    {
        _world.Api.RevokeAll(KubernetesWorld.User);
        _world.Api.Allow(KubernetesWorld.User, "get,patch", "apps", "deployments", KubernetesWorld.Namespace);
        return Task.CompletedTask;
    }

    protected override Task MakeSlowAsync(string key)
    {
        _world.Api.MakeSlow(key.Split('/')[1], TimeSpan.FromMinutes(1));
        return Task.CompletedTask;
    }

    protected override Task RestoreAsync()
    {
        _world.Api.Unreachable = false;
        _world.Api.ClearSlow();
        _world.Api.RevokeAll(KubernetesWorld.User);
        _world.GrantWorker();
        return Task.CompletedTask;
    }

    protected override Task ConflictOnNextWriteAsync(string key, SecretDelivery other)
    {
        var writer = OpenAnotherInstance();
        _world.Api.BeforeNextWrite(KubernetesWorld.Namespace, key.Split('/')[1], () => writer.DeliverAsync(key, other, CancellationToken.None));
        return Task.CompletedTask;
    }

    /// <summary>Records every diagnostic event's name and payload of every listener (HttpClient's included).</summary>
    private sealed class DiagnosticCapture(ConcurrentQueue<string> sink) : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(DiagnosticListener value) => value.Subscribe(this);

        public void OnNext(KeyValuePair<string, object?> value) => sink.Enqueue($"{value.Key}: {value.Value}");

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}
