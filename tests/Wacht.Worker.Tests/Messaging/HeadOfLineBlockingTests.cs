using Microsoft.Extensions.DependencyInjection;
using Wacht.Emulator;
using Wacht.Worker.Contracts;
using Wacht.Worker.Ledger;
using Wacht.Worker.Tests.Support;

namespace Wacht.Worker.Tests.Messaging;

/// <summary>
/// Issue 13 (no head-of-line blocking): commands waiting for a busy client must not hold the execution slots that
/// another client's command could use; the busy client's own commands still run one at a time, in order.
/// </summary>
public sealed class HeadOfLineBlockingTests
{
    [Fact]
    public async Task CommandsQueuedBehindABusyClient_LeaveTheSlotsToOtherClients_AndRunInOrderAfterwards()
    {
        var seed = SeedGenerator.Generate(new SeedGeneratorOptions
        {
            Deployments = 1,
            AppsPerDeployment = 1,
            ClientsPerApp = 2,
            GrantsPerClient = 6,
            ExpiredGrantShare = 0,
            RevokedGrantShare = 0,
            InactiveClientShare = 0,
            RandomSeed = 1313,
            Now = SeededWorld.Now,
        });
        // Two execution slots: before the fix, the busy client's first command and one waiting behind it took both.
        // The held call must outlast the test's waits: no attempt timeout (and so no retry) while it is held.
        await using var world = await SeededWorld.StartAsync(seed, configure: s =>
        {
            s["Worker:Messaging:ConcurrentMessageLimit"] = "2";
            s[$"Wacht:Deployments:{seed.Deployments[0].Id}:RequestTimeout"] = "00:02:00";
        });
        var deployment = seed.Deployments[0];
        var app = deployment.Apps[0];
        var (busy, other) = (app.Clients[0], app.Clients[1]);
        RevokeGrant Command(SeedClient client, int grant) => new()
        {
            CommandId = Guid.NewGuid(),
            DeploymentId = deployment.Id!,
            AppSlug = app.Slug!,
            OAuthClientId = client.Id!,
            GrantId = client.Grants[grant].Id!,
            RequestedBy = "head-of-line test",
        };

        // The busy client's first command is held at Wacht (its grants listing does not answer) until released.
        world.Emulator.Holds.Add(new HoldRule { Operation = OAuthOperations.ListOAuthGrants, OAuthClientId = busy.Id });
        var endpoint = await world.Harness.Bus.GetSendEndpoint(new Uri("queue:revoke-grant"));
        var busyCommands = Enumerable.Range(0, 4).Select(i => Command(busy, i)).ToList();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await endpoint.Send(busyCommands[0], timeout.Token);
        await world.Emulator.Holds.WaitForHeldAsync(cancellationToken: timeout.Token);
        foreach (var command in busyCommands.Skip(1))
        {
            await endpoint.Send(command, timeout.Token);
            // Spaced, so they reach the worker in this order (the order the test then expects).
            await Task.Delay(200, timeout.Token);
        }

        var otherCommand = Command(other, 0);
        await endpoint.Send(otherCommand, timeout.Token);

        // The other client's command runs while the busy client's first command is still held.
        var otherDone = await EventuallyAsync(() => EndedAsync(world, otherCommand.CommandId), TimeSpan.FromSeconds(20));
        Assert.True(otherDone, "Another client's command waited behind the busy client's queued commands (head-of-line blocking).");
        Assert.Single(world.Emulator.Holds.Held);
        foreach (var command in busyCommands)
        {
            Assert.False(await EndedAsync(world, command.CommandId), "a command for the busy client ended while the first one was still held");
        }

        await world.Emulator.Holds.ReleaseAllAsync(timeout.Token);
        Assert.True(await EventuallyAsync(async () => (await Task.WhenAll(busyCommands.Select(c => EndedAsync(world, c.CommandId)))).All(static e => e), TimeSpan.FromSeconds(30)), "the busy client's commands did not all end");
        var revoked = world.Harness.Published.Select<GrantRevoked>().Select(static m => m.Context.Message.CommandId).ToList();
        Assert.Equal(busyCommands.Select(static c => c.CommandId), revoked.Where(id => busyCommands.Any(c => c.CommandId == id)));
    }

    /// <summary>
    /// Whether the command's outcome is recorded (the ledger, read without waiting: the harness's published-message
    /// lists wait for more messages while the bus is busy, and the held command keeps it busy).
    /// </summary>
    private static async Task<bool> EndedAsync(SeededWorld world, Guid commandId) =>
        await world.Services.GetRequiredService<ICommandLedger>().FindAsync(commandId, CancellationToken.None) is { IsTerminal: true };

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        while (!await condition())
        {
            try
            {
                await Task.Delay(50, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                return await condition();
            }
        }

        return true;
    }
}
