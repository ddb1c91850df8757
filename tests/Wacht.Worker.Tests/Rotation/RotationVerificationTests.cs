using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Wacht.Emulator;
using Wacht.Worker.Contracts;
using Wacht.Worker.Ledger;
using Wacht.Worker.Secrets;
using Wacht.Worker.Tests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Rotation;

/// <summary>
/// A rotation is reported as delivered only when Wacht accepts the delivered secret; every path on which a secret
/// could be lost, or delivered but rejected, after a success or a harmless outcome (issue "Never declare a secret
/// delivered that Wacht rejects").
/// </summary>
public sealed class RotationVerificationTests
{
    private static RotateSecret Command(string oauthClientId) => new()
    {
        CommandId = Guid.NewGuid(),
        DeploymentId = WachtWorld.Deployment,
        AppSlug = WachtWorld.AppSlug,
        OAuthClientId = oauthClientId,
    };

    [Fact]
    public async Task ALateRotateCall_HeldPastTheClientTimeout_DoesNotKillTheDeliveredSecret()
    {
        await using var h = await HarnessWorld.StartAsync(s =>
        {
            s[$"Wacht:Deployments:{WachtWorld.Deployment}:RequestTimeout"] = "00:00:00.500";
            s["Worker:Rotation:InFlightWindow"] = "00:00:03";
        });
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        // Wacht holds the first rotate call past the client's timeout (0.5 s) and completes it 1.5 s after it came.
        h.World.Emulator.HoldRotate(client.ClientId, count: 1);
        var lateCall = Task.Run(async () =>
        {
            var held = await h.World.Emulator.Holds.WaitForHeldAsync();
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            return await h.World.Emulator.Holds.ReleaseAsync(held.Id);
        });
        var command = Command(client.Id);

        var rotated = Assert.IsType<SecretRotated>(await h.ExecuteAsync(command, command.CommandId));
        var late = await lateCall.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(late.Executed);
        Assert.Equal(2, rotated.RotateCalls);
        Assert.Equal(2, h.World.RotateCalls);
        // The late call completed at Wacht before the second rotation: the delivered secret is still the current one.
        Assert.True(h.World.WachtAccepts(client.ClientId, h.World.SecretAtDestination(client.ClientId)));
        Assert.NotNull(rotated.VerifiedAt);
    }

    [Fact]
    public async Task RedriveOfAPendingSecret_AfterALaterCommandFailedWithoutRotating_DeliversIt_NotSuperseded()
    {
        var destination = new RecordingDestination { Failing = true };
        await using var h = await HarnessWorld.StartAsync(destination: destination);
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var b = Command(client.Id);
        Assert.Equal(ErrorCodes.SecretDeliveryFailed, Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(b, b.CommandId)).ErrorCode);
        destination.Failing = false;

        // C fails with 503 on every rotate call: it recorded its intents but never rotated.
        h.World.Emulator.Faults.Add(new FaultRule { Operation = WachtWorld.RotateOperation, ErrorStatus = 503 });
        var c = Command(client.Id);
        Assert.Equal(ErrorCodes.WachtUnavailable, Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(c, c.CommandId)).ErrorCode);
        h.World.Emulator.Faults.Clear();

        var rotated = Assert.IsType<SecretRotated>(await h.ExecuteAsync(b, b.CommandId));

        Assert.True(h.World.WachtAccepts(client.ClientId, destination.Delivered[client.ClientId].Reveal()));
        Assert.Equal(destination.Delivered[client.ClientId].Fingerprint, rotated.SecretFingerprint);
        Assert.NotNull(rotated.VerifiedAt);
    }

    [Fact]
    public async Task LostRotateResponse_ThenALedgerOutage_EndsSayingTheOldSecretMayBeInvalid()
    {
        var outage = new LedgerOutage();
        await using var h = await HarnessWorld.StartAsync(services: outage.Install);
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        h.World.Emulator.Faults.Add(new FaultRule { Operation = WachtWorld.RotateOperation, LoseResponse = true, Remaining = 1 });
        outage.StartAfterRotateIntent = true;
        var command = Command(client.Id);

        var failed = Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.InternalError, failed.ErrorCode);
        Assert.Equal(1, h.World.RotateCalls);
        Assert.True(failed.OldSecretMayBeInvalid);
        Assert.False(h.World.WachtAccepts(client.ClientId, h.World.SeededSecret(WachtWorld.ServiceClient)));
    }

    [Fact]
    public async Task ASecretRotatedElsewhereRightAfterTheDelivery_IsNotReported_TheCommandRotatesAgainAndVerifies()
    {
        var destination = new RecordingDestination();
        await using var h = await HarnessWorld.StartAsync(destination: destination);
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var dashboardRotations = 0;
        destination.AfterDeliver = async _ =>
        {
            // Someone rotates from the dashboard between the delivery and the check, once.
            if (dashboardRotations++ == 0)
            {
                await h.World.Wacht.RotateOAuthClientSecretAsync(WachtWorld.AppSlug, client.Id);
            }
        };
        var command = Command(client.Id);

        var rotated = Assert.IsType<SecretRotated>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(2, rotated.RotateCalls);
        Assert.Equal(3, h.World.RotateCalls);
        Assert.True(h.World.WachtAccepts(client.ClientId, destination.Delivered[client.ClientId].Reveal()));
        Assert.NotNull(rotated.VerifiedAt);
    }

    [Fact]
    public async Task ASecretRejectedAfterEveryRotation_EndsInSecretVerificationFailed_NeverInSecretRotated()
    {
        var destination = new RecordingDestination();
        await using var h = await HarnessWorld.StartAsync(s => s["Worker:Messaging:Retry:Limit"] = "0", destination: destination);
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        destination.AfterDeliver = async _ => await h.World.Wacht.RotateOAuthClientSecretAsync(WachtWorld.AppSlug, client.Id);
        var command = Command(client.Id);

        var failed = Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.SecretVerificationFailed, failed.ErrorCode);
        Assert.True(failed.Retryable);
        Assert.True(failed.OldSecretMayBeInvalid);
        Assert.Equal(3, destination.Deliveries);
        Assert.Empty(h.Harness.Published.Select<SecretRotated>());
    }

    [Fact]
    public async Task VerificationUnavailable_ThroughTheBudget_KeepsTheSecret_AndTheRedriveVerifiesWithoutRotatingAgain()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        h.World.Emulator.Faults.Add(new FaultRule { Operation = "oauthIntrospect", ErrorStatus = 503 });
        var command = Command(client.Id);

        var failed = Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(command, command.CommandId));
        h.World.Emulator.Faults.Clear();

        Assert.Equal(ErrorCodes.SecretVerificationFailed, failed.ErrorCode);
        Assert.True(failed.Retryable);
        Assert.True(failed.OldSecretMayBeInvalid);
        Assert.Equal(1, h.World.RotateCalls);
        // Delivered, not yet verified: the secret is still held in the ledger for the re-drive.
        Assert.NotNull(await h.Services.GetRequiredService<ICommandLedger>().ReadPendingSecretAsync(command.CommandId, CancellationToken.None));

        var rotated = Assert.IsType<SecretRotated>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(1, h.World.RotateCalls);
        Assert.Equal(1, rotated.RotateCalls);
        Assert.NotNull(rotated.VerifiedAt);
        Assert.True(h.World.WachtAccepts(client.ClientId, h.World.SecretAtDestination(client.ClientId)));
    }

    [Theory]
    [InlineData(WachtWorld.ServiceClient)]
    [InlineData(WachtWorld.PipelineClient)]
    [InlineData(WachtWorld.JwtClient)]
    public async Task EverySecretAuthMethod_IsVerifiedAgainstWacht(string clientName)
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(clientName);
        var command = Command(client.Id);

        var rotated = Assert.IsType<SecretRotated>(await h.ExecuteAsync(command, command.CommandId));

        Assert.NotNull(rotated.VerifiedAt);
        Assert.Equal(1, h.World.Emulator.Calls.Count("oauthIntrospect", WachtWorld.Deployment));
        Assert.True(h.World.WachtAccepts(client.ClientId, h.World.SecretAtDestination(client.ClientId)));
    }

    [Fact]
    public async Task VerificationOff_NoCheckIsMade_AndVerifiedAtIsNull()
    {
        await using var h = await HarnessWorld.StartAsync(s => s["Worker:Rotation:Verify"] = "false");
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var command = Command(client.Id);

        var rotated = Assert.IsType<SecretRotated>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Null(rotated.VerifiedAt);
        Assert.Equal(0, h.World.Emulator.Calls.Count("oauthIntrospect", WachtWorld.Deployment));
    }

    [Fact]
    public async Task AClientIdTheDestinationCannotStore_IsRefusedBeforeTheRotateCall()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.SlashedClient);
        var command = Command(client.Id);

        var failed = Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.SecretDeliveryFailed, failed.ErrorCode);
        Assert.False(failed.OldSecretMayBeInvalid);
        Assert.Contains("Nothing was rotated", failed.Message, StringComparison.Ordinal);
        Assert.Equal(0, h.World.RotateCalls);
        Assert.True(h.World.WachtAccepts(client.ClientId, h.World.SeededSecret(WachtWorld.SlashedClient)));
    }

    [Fact]
    public async Task AClientNoRouteMatches_IsRefusedWithNoDestination_BeforeTheRotateCall()
    {
        await using var h = await HarnessWorld.StartAsync(s =>
        {
            s.Remove("Worker:Secrets:Destination");
            s["Worker:Secrets:Destinations:apps:Kind"] = "file";
            s["Worker:Secrets:Destinations:apps:Directory"] = s["Worker:Secrets:File:Directory"];
            s["Worker:Secrets:Routes:0:Match"] = $"{WachtWorld.Deployment}/billing-*";
            s["Worker:Secrets:Routes:0:Destination"] = "apps";
        });
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var command = Command(client.Id);

        var failed = Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.NoDestination, failed.ErrorCode);
        Assert.False(failed.OldSecretMayBeInvalid);
        Assert.Equal(0, h.World.RotateCalls);
    }

    [Fact]
    public async Task ADestinationThatRefusesThePreflight_FailsTheCommandBeforeTheRotateCall()
    {
        var destination = new RecordingDestination { PreflightFailure = SecretDestinationFailure.Forbidden };
        await using var h = await HarnessWorld.StartAsync(destination: destination);
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var command = Command(client.Id);

        var failed = Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.SecretDeliveryFailed, failed.ErrorCode);
        Assert.True(failed.Retryable);
        Assert.False(failed.OldSecretMayBeInvalid);
        Assert.Equal(0, h.World.RotateCalls);
    }

    [Fact]
    public async Task TheRouteAndKeyAreRecordedWithTheCommand_AndReportedInTheEvent()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var command = Command(client.Id);

        var rotated = Assert.IsType<SecretRotated>(await h.ExecuteAsync(command, command.CommandId));

        var ledger = h.Services.GetRequiredService<ICommandLedger>();
        var record = await ledger.FindAsync(command.CommandId, CancellationToken.None);
        Assert.Equal(("default", "file", $"{WachtWorld.Deployment}/{WachtWorld.AppSlug}/{client.ClientId}.json"), (record!.Route, record.Destination, record.DestinationKey));
        Assert.Equal(("default", "file", record.DestinationKey), (rotated.Route, rotated.Destination, rotated.DestinationKey));
        var history = await ledger.FindLastRotationAsync(WachtWorld.Deployment, client.Id, CancellationToken.None);
        Assert.Equal(("default", rotated.VerifiedAt), (history!.Route, history.VerifiedAt));
    }

    /// <summary>A destination of the test's own: records deliveries, can fail, refuse the pre-flight, or run a hook after each delivery.</summary>
    private sealed class RecordingDestination : ISecretDestination
    {
        private readonly Dictionary<string, StoredSecret> _stored = [];

        public bool Failing { get; set; }

        public SecretDestinationFailure? PreflightFailure { get; set; }

        public Func<SecretDelivery, Task>? AfterDeliver { get; set; }

        public int Deliveries { get; private set; }

        public Dictionary<string, Client.ClientSecret> Delivered { get; } = [];

        public string Name => "recording";

        public string Kind => DestinationDoubles.Kind;

        public string KeyFor(SecretTarget target, string? keyTemplate) => $"{target.DeploymentId}/{target.AppSlug}/{target.OAuthClientId}";

        public Task PreflightAsync(string key, SecretTarget target, CancellationToken cancellationToken) =>
            PreflightFailure is { } failure ? throw new SecretDestinationException(failure, $"preflight refused: {failure}") : Task.CompletedTask;

        public async Task<DeliveryResult> DeliverAsync(string key, SecretDelivery delivery, CancellationToken cancellationToken)
        {
            if (Failing)
            {
                throw new IOException("disk full");
            }

            Deliveries++;
            Delivered[delivery.ClientId] = delivery.Secret;
            _stored[key] = new StoredSecret(delivery.ClientId, delivery.Secret, delivery.RotatedAt, delivery.CommandId, Deliveries.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (AfterDeliver is not null)
            {
                await AfterDeliver(delivery);
            }

            return DeliveryResult.Written(key, delivery.Stamp);
        }

        public Task<StoredSecret?> ReadAsync(string key, CancellationToken cancellationToken) => Task.FromResult(_stored.GetValueOrDefault(key));
    }

    /// <summary>
    /// The ledger fails every call (as SQLite does when its file is gone) once a rotate intent was recorded and
    /// <see cref="StartAfterRotateIntent"/> is set.
    /// </summary>
    private sealed class LedgerOutage
    {
        public bool StartAfterRotateIntent { get; set; }

        public bool Down { get; private set; }

        public void Install(IServiceCollection services)
        {
            var original = services.Single(d => d.ServiceType == typeof(ICommandLedger));
            services.Remove(original);
            services.AddSingleton(sp =>
            {
                var inner = (ICommandLedger)original.ImplementationFactory!(sp);
                var proxy = DispatchProxy.Create<ICommandLedger, FailingLedger>();
                ((FailingLedger)(object)proxy).Configure(inner, this);
                return proxy;
            });
            services.Replace(ServiceDescriptor.Singleton<IJobLedger>(sp => (IJobLedger)original.ImplementationFactory!(sp)));
        }

        internal void Observe(string method)
        {
            if (StartAfterRotateIntent && method == nameof(ICommandLedger.MarkRotatingAsync))
            {
                Down = true;
            }
        }
    }

    public class FailingLedger : DispatchProxy
    {
        private ICommandLedger _inner = null!;
        private LedgerOutage _outage = null!;

        internal void Configure(ICommandLedger inner, object outage)
        {
            _inner = inner;
            _outage = (LedgerOutage)outage;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (_outage.Down && targetMethod!.Name != nameof(ICommandLedger.InitializeAsync))
            {
                var error = new SqliteException("unable to open database file", 14);
                var resultType = targetMethod.ReturnType;
                return resultType.IsGenericType
                    ? typeof(Task).GetMethod(nameof(Task.FromException), 1, [typeof(Exception)])!.MakeGenericMethod(resultType.GenericTypeArguments[0]).Invoke(null, [error])
                    : Task.FromException(error);
            }

            var result = targetMethod!.Invoke(_inner, args);
            _outage.Observe(targetMethod.Name);
            return result;
        }
    }
}
