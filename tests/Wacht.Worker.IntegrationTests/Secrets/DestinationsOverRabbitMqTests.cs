using MassTransit;
using Microsoft.Extensions.Hosting;
using Wacht.Client;
using Wacht.Worker.Contracts;
using Wacht.Worker.IntegrationTests.Support;
using Wacht.Worker.Secrets;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.IntegrationTests.Secrets;

/// <summary>
/// A <c>RotateSecret</c> on a real broker routed to each destination kind (its fake server speaking the vendor's API on
/// the wire, the worker's destination code unchanged), ending with what an application reads there: a secret Wacht
/// accepts. And a worker killed between Wacht's answer and the destination write: the next worker delivers the
/// ledger's secret to the destination the command recorded, without rotating again.
/// </summary>
public sealed class DestinationsOverRabbitMqTests
{
    public static TheoryData<string> Kinds => new(DestinationWorld.Kinds);

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RotateSecret_RoutedToTheKind_TheApplicationReadsASecretWachtAccepts(string kind)
    {
        await using var w = await RabbitWorld.StartAsync();
        await using var destination = await DestinationWorld.StartAsync(kind);
        await w.StartWorkerAsync(destination.Configure, destination.Services);
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        var command = new RotateSecret { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id };

        await w.SendAsync("rotate-secret", command);
        var rotated = await w.Observer.WaitForAsync<SecretRotated>(e => e.CommandId == command.CommandId);

        Assert.Equal(DestinationWorld.Route, rotated.Route);
        Assert.Equal(destination.Name, rotated.Destination);
        Assert.Equal(destination.ExpectedKey(client.Id), rotated.DestinationKey);
        Assert.Equal(1, rotated.RotateCalls);
        Assert.NotNull(rotated.VerifiedAt);
        var secret = destination.ApplicationReads(rotated.DestinationKey);
        Assert.NotNull(secret);
        Assert.True(w.World.WachtAccepts(client.ClientId, secret), "Wacht does not accept the secret the application reads");
        Assert.False(w.World.WachtAccepts(client.ClientId, w.World.SeededSecret(WachtWorld.ServiceClient)));
        Assert.Equal(new ClientSecret(secret).Fingerprint, rotated.SecretFingerprint);
        Assert.Null(w.World.SecretAtDestination(client.ClientId)); // nothing on the worker's own disk
        Assert.DoesNotContain(secret, w.Logs.AllText, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task KilledBetweenWachtsAnswerAndTheWrite_ANewHostDeliversTheLedgersSecret_WithoutRotatingAgain(string kind)
    {
        await using var w = await RabbitWorld.StartAsync();
        await using var destination = await DestinationWorld.StartAsync(kind);
        var hanging = new HangingDestination(destination.Open());
        var first = await w.StartWorkerAsync(destination.Configure, destination.Services, hanging);
        var client = await w.World.ClientAsync(WachtWorld.ServiceClient);
        var command = new RotateSecret { CommandId = NewId.NextGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id };
        var key = destination.ExpectedKey(client.Id);

        await w.SendAsync("rotate-secret", command);
        await hanging.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Wacht has answered (the old secret is dead), the new one is only in the ledger: the host dies here.
        await first.StopAsync(TimeSpan.FromSeconds(10));
        first.Dispose();
        Assert.Equal(1, w.World.RotateCalls);
        Assert.Null(destination.ApplicationReads(key));
        Assert.False(w.World.WachtAccepts(client.ClientId, w.World.SeededSecret(WachtWorld.ServiceClient)));

        // The next host, configured as the first one was, finds the command recorded with this destination and key.
        await w.StartWorkerAsync(destination.Configure, destination.Services);
        var rotated = await w.Observer.WaitForAsync<SecretRotated>(e => e.CommandId == command.CommandId);

        Assert.Equal(1, w.World.RotateCalls);
        Assert.Equal(1, rotated.RotateCalls);
        Assert.Equal(destination.Name, rotated.Destination);
        Assert.Equal(key, rotated.DestinationKey);
        Assert.True(w.World.WachtAccepts(client.ClientId, destination.ApplicationReads(key)), "Wacht does not accept the secret the application reads");
        Assert.Equal(0u, await w.VirtualHost.MessageCountAsync("rotate-secret_error"));
    }

    /// <summary>
    /// The destination of the host that dies: the real one (same name, key and pre-flight against the fake server) whose
    /// write never starts.
    /// </summary>
    private sealed class HangingDestination(ISecretDestination inner) : ISecretDestination
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => inner.Name;

        public string Kind => inner.Kind;

        public string KeyFor(SecretTarget target, string? keyTemplate) => inner.KeyFor(target, keyTemplate);

        public Task PreflightAsync(string key, SecretTarget target, CancellationToken cancellationToken) => inner.PreflightAsync(key, target, cancellationToken);

        public async Task<DeliveryResult> DeliverAsync(string key, SecretDelivery delivery, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("A hanging destination never delivers.");
        }

        public Task<StoredSecret?> ReadAsync(string key, CancellationToken cancellationToken) => inner.ReadAsync(key, cancellationToken);
    }
}
