using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Wacht.Emulator;
using Wacht.Worker.Contracts;
using Wacht.Worker.Ledger;
using Wacht.Worker.Secrets;
using Wacht.Worker.Tests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Consumers;

public sealed class RotateSecretConsumerTests
{
    private static RotateSecret Command(string oauthClientId, Guid? commandId = null) => new()
    {
        CommandId = commandId ?? Guid.NewGuid(),
        DeploymentId = WachtWorld.Deployment,
        AppSlug = WachtWorld.AppSlug,
        OAuthClientId = oauthClientId,
        RequestedBy = "alice@example.com",
        Reason = "quarterly rotation",
    };

    [Fact]
    public async Task Rotate_DeliversTheSecretWachtAccepts_AndPublishesSecretRotated()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var command = Command(client.Id);

        var rotated = Assert.IsType<SecretRotated>(await h.ExecuteAsync(command, command.CommandId));

        var secret = h.World.SecretAtDestination(client.ClientId);
        Assert.True(h.World.WachtAccepts(client.ClientId, secret));
        Assert.Equal(client.ClientId, rotated.ClientId);
        Assert.Equal("file", rotated.Destination);
        Assert.Equal($"{WachtWorld.Deployment}/{WachtWorld.AppSlug}/{client.ClientId}.json", rotated.DestinationKey);
        Assert.Equal(new Client.ClientSecret(secret!).Fingerprint, rotated.SecretFingerprint);
        Assert.Equal(1, rotated.RotateCalls);
        Assert.Equal("alice@example.com", rotated.RequestedBy);
        Assert.Equal("quarterly rotation", rotated.Reason);
        Assert.Equal(CommandTriggers.Command, rotated.Trigger);
        Assert.Equal(1, h.World.RotateCalls);
    }

    [Fact]
    public async Task Rotate_PublishesWithTheCommandIdAsCorrelationId()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var command = Command(client.Id);

        await h.ExecuteAsync(command, command.CommandId);

        var published = await h.Harness.Published.SelectAsync<SecretRotated>().First();
        Assert.Equal(command.CommandId, published.Context.CorrelationId);
    }

    [Fact]
    public async Task Rotate_RecordsTheRotationInTheLedgerHistory()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var command = Command(client.Id);

        await h.ExecuteAsync(command, command.CommandId);

        var ledger = h.Services.GetRequiredService<ICommandLedger>();
        var last = await ledger.FindLastRotationAsync(WachtWorld.Deployment, client.Id, CancellationToken.None);
        Assert.NotNull(last);
        Assert.Equal(command.CommandId, last.CommandId);
        Assert.Equal("alice@example.com", last.RequestedBy);
        Assert.Equal("quarterly rotation", last.Reason);
        Assert.Equal(CommandTriggers.Command, last.Trigger);
        var record = await ledger.FindAsync(command.CommandId, CancellationToken.None);
        Assert.Equal(CommandState.Succeeded, record!.State);
        Assert.Null(await ledger.ReadPendingSecretAsync(command.CommandId, CancellationToken.None));
    }

    [Fact]
    public async Task Rotate_DuplicateCommandId_RotatesOnce_AndRepublishesTheSameEvent()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var command = Command(client.Id);

        var first = Assert.IsType<SecretRotated>(await h.ExecuteAsync(command, command.CommandId));
        // The duplicate's event carries the same message id, which the harness's published list de-duplicates; the
        // requester's answer shows what it was.
        var response = await h.Harness.GetRequestClient<RotateSecret>().GetResponse<SecretRotated, SecretRotationFailed>(command);
        Assert.True(response.Is(out Response<SecretRotated>? replayed));
        var second = replayed.Message;

        Assert.Equal(1, h.World.RotateCalls);
        // Record equality compares the ReloadActions list by reference; compare it by content.
        Assert.Equal(first with { ReloadActions = second.ReloadActions }, second);
        Assert.Equal(first.ReloadActions, second.ReloadActions);
        Assert.True(h.World.WachtAccepts(client.ClientId, h.World.SecretAtDestination(client.ClientId)));
    }

    [Fact]
    public async Task Rotate_ClientWithoutSecret_FailsWithRotationNotSupported_WithoutCallingRotate()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.PublicClient);
        var command = Command(client.Id);

        var failed = Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.RotationNotSupported, failed.ErrorCode);
        Assert.False(failed.Retryable);
        Assert.False(failed.OldSecretMayBeInvalid);
        Assert.Equal(0, h.World.RotateCalls);
    }

    [Fact]
    public async Task Rotate_WithRotationDisabled_IsRefusedWithoutCallingWacht_EvenWithoutALedgerKey()
    {
        await using var h = await HarnessWorld.StartAsync(settings =>
        {
            settings["Worker:Rotation:Enabled"] = "false";
            settings.Remove("Worker:Ledger:EncryptionKey");
        });
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var command = Command(client.Id);
        var callsBefore = h.World.Emulator.Calls.Count("*");

        var failed = Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.RotationDisabled, failed.ErrorCode);
        Assert.Contains("Worker:Rotation:Enabled", failed.Message, StringComparison.Ordinal);
        Assert.Equal(callsBefore, h.World.Emulator.Calls.Count("*"));
        Assert.Equal(0, h.World.RotateCalls);
    }

    [Fact]
    public async Task Rotate_InactiveClient_FailsWithNotFound_WithoutCallingRotate()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.InactiveClient);
        var command = Command(client.Id);

        var failed = Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.NotFound, failed.ErrorCode);
        Assert.Contains("inactive", failed.Message, StringComparison.Ordinal);
        Assert.Equal(0, h.World.RotateCalls);
    }

    [Fact]
    public async Task Rotate_UnknownClient_FailsWithNotFound()
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = Command("999999999");

        var failed = Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.NotFound, failed.ErrorCode);
        Assert.False(failed.Retryable);
    }

    [Fact]
    public async Task Rotate_UnknownApp_FailsWithNotFound()
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = Command("123") with { AppSlug = "no-such-app" };

        var failed = Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.NotFound, failed.ErrorCode);
    }

    [Fact]
    public async Task Rotate_UnknownDeployment_FailsWithUnknownDeployment_WithoutCallingWacht()
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = Command("123") with { DeploymentId = WachtWorld.UnknownDeployment };

        var failed = Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.UnknownDeployment, failed.ErrorCode);
        Assert.Contains(WachtWorld.UnknownDeployment, failed.Message, StringComparison.Ordinal);
        Assert.Equal(0, h.World.Emulator.Calls.Count("*"));
    }

    [Fact]
    public async Task Rotate_InvalidCommand_ListsEveryOffendingField_AndIsNotRetried()
    {
        await using var h = await HarnessWorld.StartAsync();
        var command = new RotateSecret
        {
            CommandId = Guid.NewGuid(),
            DeploymentId = "prod",
            AppSlug = " ",
            OAuthClientId = "oc_abc",
            Trigger = "cron",
        };

        var failed = Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.InvalidCommand, failed.ErrorCode);
        Assert.False(failed.Retryable);
        Assert.Equal(
            ["AppSlug", "DeploymentId", "OAuthClientId", "Trigger"],
            failed.FieldErrors.Select(e => e.Field).Order(StringComparer.Ordinal));
        Assert.Equal(0, h.World.Emulator.Calls.Count("*"));
        Assert.Equal(1, await h.Harness.Consumed.SelectAsync<RotateSecret>().Count());
    }

    [Fact]
    public async Task Rotate_WithoutCommandId_FailsWithInvalidCommand()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var command = Command(client.Id, Guid.Empty);

        var failed = Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(command, Guid.Empty));

        Assert.Equal(ErrorCodes.InvalidCommand, failed.ErrorCode);
        Assert.Equal("CommandId", Assert.Single(failed.FieldErrors).Field);
        Assert.Equal(0, h.World.RotateCalls);
    }

    [Fact]
    public async Task Rotate_LostResponse_RotatesAgain_AndTheDestinationHoldsTheSecretWachtAccepts()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        h.World.Emulator.Faults.Add(new FaultRule { Operation = WachtWorld.RotateOperation, LoseResponse = true, Remaining = 1 });
        var command = Command(client.Id);

        var rotated = Assert.IsType<SecretRotated>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(2, h.World.RotateCalls);
        Assert.Equal(2, rotated.RotateCalls);
        Assert.True(h.World.WachtAccepts(client.ClientId, h.World.SecretAtDestination(client.ClientId)));
    }

    [Fact]
    public async Task Rotate_503sWithinTheBudget_AreWarnings_NotErrors()
    {
        await using var h = await HarnessWorld.StartAsync(s => s["Worker:Messaging:Retry:MinInterval"] = "00:00:00.010");
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        h.World.Emulator.Faults.Add(new FaultRule { Operation = WachtWorld.RotateOperation, ErrorStatus = 503, Remaining = 2 });
        var command = Command(client.Id);

        Assert.IsType<SecretRotated>(await h.ExecuteAsync(command, command.CommandId));

        // A transient failure that the worker handles is not an error an operator must act on.
        Assert.DoesNotContain(h.Logs.Entries, e => e.StartsWith("Error ", StringComparison.Ordinal) || e.StartsWith("Critical ", StringComparison.Ordinal));
        Assert.Contains(h.Logs.Entries, e => e.StartsWith("Warning ", StringComparison.Ordinal) && e.Contains("rotateOAuthClientSecret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rotate_503Storm_LongerThanTheBudget_PublishesWachtUnavailable_AndFaultsTheMessage()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        h.World.Emulator.Faults.Add(new FaultRule { Operation = "listOAuthClients", ErrorStatus = 503 });
        var command = Command(client.Id);

        var failed = Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.WachtUnavailable, failed.ErrorCode);
        Assert.True(failed.Retryable);
        Assert.False(failed.OldSecretMayBeInvalid);
        Assert.Equal(0, h.World.RotateCalls);
        // The consume is recorded as faulted (so the transport moves the message to the _error queue) once the
        // failure event is out: wait for the bus to go quiet, then look.
        await h.Harness.InactivityTask;
        Assert.IsType<Wacht.Worker.Commands.RetryBudgetExhaustedException>(Assert.Single(h.Harness.Consumed.Select<RotateSecret>()).Exception);
    }

    [Fact]
    public async Task Rotate_TransientFailuresWithinTheBudget_EndInSuccess()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        // Each worker attempt's list call is retried by the client too (MaxRetries 2): 5 failures span two worker attempts.
        h.World.Emulator.Faults.Add(new FaultRule { Operation = "listOAuthClients", ErrorStatus = 503, Remaining = 5 });
        var command = Command(client.Id);

        var rotated = Assert.IsType<SecretRotated>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(1, rotated.RotateCalls);
        Assert.True(h.World.WachtAccepts(client.ClientId, h.World.SecretAtDestination(client.ClientId)));
        Assert.False(await h.Harness.Consumed.Any<RotateSecret>(m => m.Exception is not null));
    }

    [Fact]
    public async Task Rotate_DeliveryFailingThroughTheBudget_KeepsTheSecretInTheLedger_AndARedriveDeliversItWithoutRotatingAgain()
    {
        var destination = new FlakyDestination();
        await using var h = await HarnessWorld.StartAsync(destination: destination);
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var command = Command(client.Id);
        destination.Failing = true;

        var failed = Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(ErrorCodes.SecretDeliveryFailed, failed.ErrorCode);
        Assert.True(failed.Retryable);
        Assert.True(failed.OldSecretMayBeInvalid);
        var ledger = h.Services.GetRequiredService<ICommandLedger>();
        var pending = await ledger.ReadPendingSecretAsync(command.CommandId, CancellationToken.None);
        Assert.NotNull(pending);
        Assert.True(h.World.WachtAccepts(client.ClientId, pending.Secret.Reveal()));

        destination.Failing = false;
        var rotated = Assert.IsType<SecretRotated>(await h.ExecuteAsync(command, command.CommandId));

        Assert.Equal(1, h.World.RotateCalls);
        Assert.True(h.World.WachtAccepts(client.ClientId, destination.Delivered[client.ClientId].Reveal()));
        Assert.Equal(pending.Secret.Fingerprint, rotated.SecretFingerprint);
        Assert.Null(await ledger.ReadPendingSecretAsync(command.CommandId, CancellationToken.None));
    }

    [Fact]
    public async Task Rotate_RedriveAfterALaterRotation_IsSuperseded_AndTheDestinationKeepsTheWorkingSecret()
    {
        var destination = new FlakyDestination();
        await using var h = await HarnessWorld.StartAsync(destination: destination);
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var stuck = Command(client.Id);
        destination.Failing = true;
        Assert.Equal(ErrorCodes.SecretDeliveryFailed, Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(stuck, stuck.CommandId)).ErrorCode);

        destination.Failing = false;
        var later = Command(client.Id);
        Assert.IsType<SecretRotated>(await h.ExecuteAsync(later, later.CommandId));
        var working = destination.Delivered[client.ClientId];

        var redriven = Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(stuck, stuck.CommandId, expected: 2));

        Assert.Equal(ErrorCodes.Superseded, redriven.ErrorCode);
        Assert.False(redriven.Retryable);
        Assert.False(redriven.OldSecretMayBeInvalid);
        Assert.Same(working, destination.Delivered[client.ClientId]);
        Assert.True(h.World.WachtAccepts(client.ClientId, working.Reveal()));
        Assert.Equal(2, h.World.RotateCalls);
        var ledger = h.Services.GetRequiredService<ICommandLedger>();
        Assert.Null(await ledger.ReadPendingSecretAsync(stuck.CommandId, CancellationToken.None));
    }

    [Fact]
    public async Task Rotate_TwoUndeliveredRotations_OnlyTheLaterOneIsDeliveredOnRedrive()
    {
        var destination = new FlakyDestination { Failing = true };
        await using var h = await HarnessWorld.StartAsync(destination: destination);
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var older = Command(client.Id);
        var newer = Command(client.Id);
        Assert.Equal(ErrorCodes.SecretDeliveryFailed, Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(older, older.CommandId)).ErrorCode);
        Assert.Equal(ErrorCodes.SecretDeliveryFailed, Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(newer, newer.CommandId)).ErrorCode);
        destination.Failing = false;

        var olderRedriven = Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(older, older.CommandId));
        var newerRedriven = Assert.IsType<SecretRotated>(await h.ExecuteAsync(newer, newer.CommandId));

        Assert.Equal(ErrorCodes.Superseded, olderRedriven.ErrorCode);
        Assert.Equal(2, h.World.RotateCalls);
        Assert.Equal(newerRedriven.SecretFingerprint, destination.Delivered[client.ClientId].Fingerprint);
        Assert.True(h.World.WachtAccepts(client.ClientId, destination.Delivered[client.ClientId].Reveal()));
    }

    [Fact]
    public async Task Rotate_PendingSecretThatCannotBeDecryptedAnyMore_IsRotatedAgain_AndDelivered()
    {
        var destination = new FlakyDestination { Failing = true };
        await using var h = await HarnessWorld.StartAsync(destination: destination);
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var command = Command(client.Id);
        Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(command, command.CommandId));

        // The operator changed the ledger key: the pending secret is unreadable now.
        var settings = h.World.WorkerSettings();
        settings["Worker:Ledger:EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var rekeyed = await HarnessWorld.StartAsync(h.World, settings, destination: destination);
        destination.Failing = false;

        var rotated = Assert.IsType<SecretRotated>(await rekeyed.ExecuteAsync(command, command.CommandId));

        Assert.Equal(2, h.World.RotateCalls);
        Assert.Equal(2, rotated.RotateCalls);
        Assert.True(h.World.WachtAccepts(client.ClientId, destination.Delivered[client.ClientId].Reveal()));
    }

    [Fact]
    public async Task Rotate_PersistsTheSecretBeforeDelivering()
    {
        var destination = new FlakyDestination();
        await using var h = await HarnessWorld.StartAsync(destination: destination);
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var command = Command(client.Id);
        var ledger = h.Services.GetRequiredService<ICommandLedger>();
        destination.OnDeliver = async delivery =>
        {
            var record = await ledger.FindAsync(delivery.CommandId, CancellationToken.None);
            var pending = await ledger.ReadPendingSecretAsync(delivery.CommandId, CancellationToken.None);
            destination.SeenBeforeDelivery = record?.State == CommandState.PendingDelivery && pending?.Secret.Equals(delivery.Secret) == true;
        };

        Assert.IsType<SecretRotated>(await h.ExecuteAsync(command, command.CommandId));

        Assert.True(destination.SeenBeforeDelivery);
    }

    [Fact]
    public async Task Rotate_RequestResponse_AnswersTheRequesterWithTheEvent()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var command = Command(client.Id);
        var requests = h.Harness.GetRequestClient<RotateSecret>();

        var response = await requests.GetResponse<SecretRotated, SecretRotationFailed>(command);

        Assert.True(response.Is(out Response<SecretRotated>? rotated));
        Assert.Equal(command.CommandId, rotated.Message.CommandId);
        Assert.True(await h.Harness.Published.Any<SecretRotated>());
    }

    [Fact]
    public async Task Rotate_NeverPutsTheSecretInEventsLogsOrTheLedgerFile()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var command = Command(client.Id);

        await h.ExecuteAsync(command, command.CommandId);

        var secret = h.World.SecretAtDestination(client.ClientId)!;
        var events = string.Join('\n', h.Harness.Published.Select(_ => true).Select(m => System.Text.Json.JsonSerializer.Serialize(m.MessageObject, m.MessageType)));
        Assert.DoesNotContain(secret, events, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, h.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(h.World.ApiKey, h.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("oc_secret_", h.Logs.AllText, StringComparison.Ordinal);
        var secretBytes = System.Text.Encoding.UTF8.GetBytes(secret);
        foreach (var (path, content) in h.World.DataFiles().Where(f => !f.Path.StartsWith(h.World.SecretsDirectory, StringComparison.Ordinal)))
        {
            Assert.True(content.AsSpan().IndexOf(secretBytes) < 0, $"{path} holds the secret in clear");
        }
    }

    [Fact]
    public async Task Rotate_LogsCarryTheCommandDeploymentAppAndClientInScope()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var command = Command(client.Id);

        await h.ExecuteAsync(command, command.CommandId);

        var entry = Assert.Single(h.Logs.Entries, e => e.Contains("Rotated the secret", StringComparison.Ordinal));
        Assert.Contains($"CommandId={command.CommandId}", entry, StringComparison.Ordinal);
        Assert.Contains($"DeploymentId={WachtWorld.Deployment}", entry, StringComparison.Ordinal);
        Assert.Contains($"AppSlug={WachtWorld.AppSlug}", entry, StringComparison.Ordinal);
        Assert.Contains($"OAuthClientId={client.Id}", entry, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_LockLostBeforeDelivery_DoesNotDeliver_AndTheNextAttemptDeliversTheStoredSecretWithoutRotatingAgain()
    {
        var destination = new FlakyDestination();
        var locks = new LosingLock { LoseOnCheck = 2 };
        await using var h = await HarnessWorld.StartAsync(services: s => s.AddSingleton<IClientLock>(locks), destination: destination);
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var command = Command(client.Id);
        var deliveriesWhileLost = 0;
        destination.OnDeliver = _ =>
        {
            deliveriesWhileLost += locks.Lost ? 1 : 0;
            return Task.CompletedTask;
        };

        var rotated = Assert.IsType<SecretRotated>(await h.ExecuteAsync(command, command.CommandId));

        Assert.True(locks.WasLost);
        Assert.Equal(0, deliveriesWhileLost);
        Assert.Equal(1, h.World.RotateCalls);
        Assert.Equal(1, rotated.RotateCalls);
        Assert.True(h.World.WachtAccepts(client.ClientId, destination.Delivered[client.ClientId].Reveal()));
    }

    /// <summary>A client lock whose <see cref="LoseOnCheck"/>th check reports the lock lost (once).</summary>
    private sealed class LosingLock : IClientLock
    {
        private readonly InProcessClientLock _inner = new();
        private int _checks;

        public int LoseOnCheck { get; init; }

        /// <summary>True from the lost check until the next check that passes.</summary>
        public bool Lost { get; private set; }

        public bool WasLost { get; private set; }

        public async ValueTask<IClientLockHandle> AcquireAsync(string key, CancellationToken cancellationToken) =>
            new Handle(this, await _inner.AcquireAsync(key, cancellationToken));

        private ValueTask Check(IClientLockHandle inner, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _checks) == LoseOnCheck)
            {
                Lost = WasLost = true;
                throw new ClientLockLostException("The lock's database session ended (test).");
            }

            Lost = false;
            return inner.EnsureHeldAsync(cancellationToken);
        }

        private sealed class Handle(LosingLock owner, IClientLockHandle inner) : IClientLockHandle
        {
            public ValueTask EnsureHeldAsync(CancellationToken cancellationToken) => owner.Check(inner, cancellationToken);

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }

    /// <summary>A destination that can be told to fail, and records what it was given.</summary>
    private sealed class FlakyDestination : ISecretDestination
    {
        public bool Failing { get; set; }

        public bool SeenBeforeDelivery { get; set; }

        public Func<SecretDelivery, Task>? OnDeliver { get; set; }

        public Dictionary<string, Client.ClientSecret> Delivered { get; } = [];

        public string Name => "flaky";

        public string Kind => "flaky";

        public string KeyFor(SecretTarget target, string? keyTemplate) => $"{target.DeploymentId}/{target.AppSlug}/{target.ClientId}";

        public Task PreflightAsync(string key, SecretTarget target, CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task<DeliveryResult> DeliverAsync(string key, SecretDelivery delivery, CancellationToken cancellationToken)
        {
            if (OnDeliver is not null)
            {
                await OnDeliver(delivery);
            }

            if (Failing)
            {
                throw new IOException("disk full");
            }

            Delivered[delivery.ClientId] = delivery.Secret;
            Stored[key] = new StoredSecret(delivery.ClientId, delivery.Secret, delivery.RotatedAt, delivery.CommandId, Stored.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return DeliveryResult.Written(key, delivery.Stamp);
        }

        public Task<StoredSecret?> ReadAsync(string key, CancellationToken cancellationToken) => Task.FromResult(Stored.GetValueOrDefault(key));

        private Dictionary<string, StoredSecret> Stored { get; } = [];
    }
}
