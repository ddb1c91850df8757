using Wacht.Worker.Secrets;

namespace Wacht.Worker.Tests.Secrets.Aws;

/// <summary>
/// The destination contract on the AWS Secrets Manager destination, its JSON-protocol client (SigV4 by the SDK's
/// signer) pointed at the fake, which checks every signature. Unreachable: the server drops connections. Forbidden:
/// the access key may only read values. Slow: the server holds requests about the secret past the caller's patience.
/// Conflict: another worker writes the secret while this one's write is on its way (its AWSCURRENT move, or its create,
/// then fails).
/// </summary>
public sealed class AwsSecretsManagerDestinationContractTests : SecretDestinationContractTests, IDisposable
{
    private readonly AwsWorld _world = new();
    private readonly ProcessDiagnostics _diagnostics = new();

    protected override IEnumerable<string> Diagnostics => _diagnostics.Events;

    protected override TimeSpan SlowCallGiveUp => TimeSpan.FromSeconds(2);

    protected override IEnumerable<SecretTarget> UnstorableTargets =>
    [
        new(Deployment, "billing/api", "7283910238471000001", "oc_abc"),
        new(Deployment, "billing api", "7283910238471000001", "oc_abc"),
        new(Deployment, App, "7283910238471000001#", "oc_abc"),
        new(Deployment, new string('a', 520), "7283910238471000001", "oc_abc"),
        new(Deployment, "", "7283910238471000001", "oc_abc"),
        new(Deployment, App, "client-abcdef", "oc_abc"),
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
        _world.Aws.Unreachable = true;
        return Task.CompletedTask;
    }

    protected override Task MakeForbiddingAsync(string key)
    {
        _world.Aws.Grant(AwsWorld.AccessKeyId, "secretsmanager:GetSecretValue");
        return Task.CompletedTask;
    }

    protected override Task MakeSlowAsync(string key)
    {
        _world.Aws.MakeSlow(key, TimeSpan.FromMinutes(1));
        return Task.CompletedTask;
    }

    protected override Task RestoreAsync()
    {
        _world.Aws.Unreachable = false;
        _world.Aws.ClearSlow();
        _world.GrantWorker();
        return Task.CompletedTask;
    }

    protected override Task ConflictOnNextWriteAsync(string key, SecretDelivery other)
    {
        var writer = OpenAnotherInstance();
        _world.Aws.BeforeNextWrite(key, () => writer.DeliverAsync(key, other, CancellationToken.None));
        return Task.CompletedTask;
    }
}
