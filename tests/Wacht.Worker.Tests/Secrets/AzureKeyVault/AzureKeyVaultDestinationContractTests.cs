using Wacht.Worker.Secrets;

namespace Wacht.Worker.Tests.Secrets.AzureKeyVault;

/// <summary>
/// The destination contract on the Azure Key Vault destination, the official SecretClient pointed at the fake vault over
/// HTTPS (challenge authentication included). Unreachable: the server drops connections. Forbidden: the worker's token
/// may only read. Slow: the server holds requests about the secret past the caller's patience. Conflict: another worker
/// writes a version while this one's write is on its way (Key Vault has no conditional write: the settle step after the
/// write restores the newest).
/// </summary>
public sealed class AzureKeyVaultDestinationContractTests : SecretDestinationContractTests, IDisposable
{
    private readonly KeyVaultWorld _world = new();
    private readonly ProcessDiagnostics _diagnostics = new();

    protected override IEnumerable<string> Diagnostics => _diagnostics.Events;

    protected override TimeSpan SlowCallGiveUp => TimeSpan.FromSeconds(2);

    protected override IEnumerable<SecretTarget> UnstorableTargets =>
    [
        new(Deployment, "billing_api", "7283910238471000001", "oc_abc"),
        new(Deployment, "billing/api", "7283910238471000001", "oc_abc"),
        new(Deployment, "billing.api", "7283910238471000001", "oc_abc"),
        new(Deployment, new string('a', 120), "7283910238471000001", "oc_abc"),
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
        // Key Vault cannot say in advance whether a write is allowed: the pre-flight fails only when reading is refused.
        _world.Vault.Grant(KeyVaultWorld.Token, "list");
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
