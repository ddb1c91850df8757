using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Wacht.Client;
using Wacht.Worker.Contracts;
using Wacht.Worker.Secrets;

namespace Wacht.Worker.Demo;

/// <summary>
/// <c>Wacht.Worker demo</c>: starts the worker and sends it one command of each kind through the configured transport
/// with request/response, printing each command and the event that came back. It picks its targets from what the
/// first configured deployment holds, so it works on any seed (or, carefully, on a real deployment: it rotates a
/// real secret).
/// </summary>
internal static class DemoRun
{
    private static readonly JsonSerializerOptions PrintOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task<int> RunAsync(WorkerApp app, TextWriter output, CancellationToken cancellationToken)
    {
        var services = app.Host.Services;
        await app.Host.StartAsync(cancellationToken);
        try
        {
            var factory = services.GetRequiredService<IWachtClientFactory>();
            var deploymentId = factory.DeploymentIds.Order(StringComparer.Ordinal).First();
            var wacht = factory.GetClient(deploymentId);
            var targets = await DemoTargets.FindAsync(wacht, cancellationToken);
            var bus = services.GetRequiredService<IBus>();
            var succeeded = 0;

            await output.WriteLineAsync($"Deployment {deploymentId}; transport: {services.GetRequiredService<IBusControl>().Address.Scheme}");

            var rotate = new RotateSecret
            {
                CommandId = NewId.NextGuid(),
                DeploymentId = deploymentId,
                AppSlug = targets.RotationApp,
                OAuthClientId = targets.RotationClient.Id,
                RequestedBy = "wacht-worker demo",
                Reason = "show a rotation end to end",
            };
            var rotated = await SendAsync<RotateSecret, SecretRotated, SecretRotationFailed>(bus, rotate, output, cancellationToken);
            if (rotated is not null)
            {
                succeeded++;
                await CheckDestinationAsync(app, services, rotated, output, cancellationToken);

                await output.WriteLineAsync("\n--- the same RotateSecret again (same CommandId): answered from the ledger, Wacht is not called ---");
                var calls = app.Emulator?.Calls.Count("rotateOAuthClientSecret", deploymentId);
                await SendAsync<RotateSecret, SecretRotated, SecretRotationFailed>(bus, rotate, output, cancellationToken);
                if (app.Emulator is not null)
                {
                    await output.WriteLineAsync($"rotate calls at the emulator before the duplicate: {calls}, after: {app.Emulator.Calls.Count("rotateOAuthClientSecret", deploymentId)}");
                }
            }

            if (targets.Grant is { } grant)
            {
                var revoke = new RevokeGrant
                {
                    CommandId = NewId.NextGuid(),
                    DeploymentId = deploymentId,
                    AppSlug = grant.AppSlug,
                    OAuthClientId = grant.OAuthClientId,
                    GrantId = grant.GrantId,
                    RequestedBy = "wacht-worker demo",
                    Reason = "show a revocation end to end",
                };
                succeeded += await SendAsync<RevokeGrant, GrantRevoked, GrantRevocationFailed>(bus, revoke, output, cancellationToken) is null ? 0 : 1;
            }
            else
            {
                await output.WriteLineAsync("(no active grant in this deployment: RevokeGrant skipped)");
            }

            var sync = new SyncScopes
            {
                CommandId = NewId.NextGuid(),
                DeploymentId = deploymentId,
                AppSlug = targets.RotationApp,
                Scopes = [.. targets.ExistingScopes, new DesiredScope
                {
                    Scope = "reports:export",
                    DisplayName = "Export reports",
                    Description = "Download reports as CSV",
                    Category = "personal",
                }],
                MissingScopes = MissingScopeModes.Keep,
                RequestedBy = "wacht-worker demo",
                Reason = "add the reports:export scope",
            };
            succeeded += await SendAsync<SyncScopes, ScopesSynced, ScopeSyncFailed>(bus, sync, output, cancellationToken) is null ? 0 : 1;

            var expected = targets.Grant is null ? 2 : 3;
            await output.WriteLineAsync($"\n{succeeded} of {expected} commands succeeded.");
            return succeeded == expected ? 0 : 1;
        }
        finally
        {
            await app.Host.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<TSucceeded?> SendAsync<TCommand, TSucceeded, TFailed>(IBus bus, TCommand command, TextWriter output, CancellationToken cancellationToken)
        where TCommand : class
        where TSucceeded : class
        where TFailed : class
    {
        await output.WriteLineAsync($"\n>>> {typeof(TCommand).Name}\n{JsonSerializer.Serialize(command, PrintOptions)}");
        var client = bus.CreateRequestClient<TCommand>(RequestTimeout.After(s: 120));
        var response = await client.GetResponse<TSucceeded, TFailed>(command, cancellationToken);
        if (response.Is(out Response<TSucceeded>? succeeded))
        {
            await output.WriteLineAsync($"<<< {typeof(TSucceeded).Name}\n{JsonSerializer.Serialize(succeeded.Message, PrintOptions)}");
            return succeeded.Message;
        }

        response.Is(out Response<TFailed>? failed);
        await output.WriteLineAsync($"<<< {typeof(TFailed).Name}\n{JsonSerializer.Serialize(failed!.Message, PrintOptions)}");
        return null;
    }

    private static async Task CheckDestinationAsync(WorkerApp app, IServiceProvider services, SecretRotated rotated, TextWriter output, CancellationToken cancellationToken)
    {
        // What the application reads, where the rotation said it put the secret.
        if (services.GetRequiredService<SecretDestinations>().Find(rotated.Destination) is not { } destination)
        {
            return;
        }

        var record = await destination.ReadAsync(rotated.DestinationKey, cancellationToken);
        var line = record is null
            ? "the destination holds no secret for this client!"
            : $"the destination holds a secret with fingerprint {record.Secret.Fingerprint}"
                + (app.Emulator is null ? "" : $"; Wacht accepts it: {app.Emulator.IsCurrentSecret(rotated.ClientId, record.Secret.Reveal())}");
        await output.WriteLineAsync($"    {line}");
    }
}
