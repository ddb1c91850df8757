using Wacht.Worker.Secrets;

namespace Wacht.Worker.Tests.Secrets.Vault;

/// <summary>
/// The destination contract on the Vault KV v2 destination, its HTTP client pointed at the fake Vault. Unreachable:
/// the server drops connections. Forbidden: the worker's policy is cut to read only. Slow: the server holds requests
/// about the path past the caller's patience. Conflict: another worker writes a version while this one's write is on
/// its way (check-and-set mismatch).
/// </summary>
public sealed class VaultSecretDestinationContractTests : SecretDestinationContractTests, IDisposable
{
    private readonly VaultWorld _world = new();
    private readonly ProcessDiagnostics _diagnostics = new();

    protected override IEnumerable<string> Diagnostics => _diagnostics.Events;

    protected override TimeSpan SlowCallGiveUp => TimeSpan.FromSeconds(2);

    protected override IEnumerable<SecretTarget> UnstorableTargets =>
    [
        new(Deployment, "v1..beta", "7283910238471000001", "oc_abc"),
        new(Deployment, "billing/api", "7283910238471000001", "oc_abc"),
        new(Deployment, ".hidden", "7283910238471000001", "oc_abc"),
        new(Deployment, App, "7283/910238471000001", "oc_abc"),
        new(Deployment, App, "7283910238471000001?x", "oc_abc"),
        new(Deployment, new string('a', 250), "7283910238471000001", "oc_abc"),
        new(Deployment, "", "7283910238471000001", "oc_abc"),
    ];

    public void Dispose() => _diagnostics.Dispose();

    protected override async Task<ISecretDestination> CreateDestinationAsync()
    {
        await _world.StartAsync();
        return OpenAnotherInstance();
    }

    protected override ISecretDestination OpenAnotherInstance() => _world.Destination(LoggerFactory);

    protected override async Task DeleteBackingStoreAsync() => await _world.DisposeAsync();

    protected override Task MakeUnreachableAsync()
    {
        _world.Vault.Unreachable = true;
        return Task.CompletedTask;
    }

    protected override Task MakeForbiddingAsync(string key)
    {
        _world.Vault.SetPolicy(VaultWorld.Policy, ("secret/data/wacht/*", "read"));
        return Task.CompletedTask;
    }

    protected override Task MakeSlowAsync(string key)
    {
        _world.Vault.MakeSlow(key, TimeSpan.FromMinutes(1));
        return Task.CompletedTask;
    }

    protected override Task RestoreAsync()
    {
        _world.Vault.Unreachable = false;
        _world.Vault.ClearSlow();
        _world.GrantWorker();
        return Task.CompletedTask;
    }

    protected override Task ConflictOnNextWriteAsync(string key, SecretDelivery other)
    {
        var writer = OpenAnotherInstance();
        _world.Vault.BeforeNextWrite(key, () => writer.DeliverAsync(key, other, CancellationToken.None));
        return Task.CompletedTask;
    }
}
