using Microsoft.Extensions.DependencyInjection;
using Wacht.Client.Tests.Support;

namespace Wacht.Client.Tests;

/// <summary>Behaviour over real sockets (loopback only) that a stub handler cannot show.</summary>
public sealed class TransportTests
{
    private const string ClientId = "9223372036854775806";

    private static ServiceProvider Services(Uri baseAddress)
    {
        var settings = WachtTestHost.DefaultSettings();
        settings[$"Wacht:Deployments:{WachtTestHost.DeploymentId}:BaseUrl"] = baseAddress.ToString();
        settings[$"Wacht:Deployments:{WachtTestHost.DeploymentId}:RequestTimeout"] = "00:00:05";
        var services = WachtTestHost.BuildServices(settings);
        services.AddWachtClient();
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Rotate_on_a_reused_connection_that_the_server_closes_without_answering_is_sent_once()
    {
        // The connection is first used by a GET and pooled; the server then reads the rotate request and closes the
        // connection gracefully without answering (it may have rotated). SocketsHttpHandler transparently re-sends
        // body-less requests in that situation (dotnet/runtime#86714); the client must not let it.
        await using var server = new RawHttpServer((number, _) => number switch
        {
            1 => RawHttpServer.Ok(Fixtures.Apps()),
            2 => null,
            _ => RawHttpServer.Ok(Fixtures.RotatedSecret),
        });
        await using var services = Services(server.BaseAddress);
        var client = services.GetRequiredService<IWachtClientFactory>().GetClient(WachtTestHost.DeploymentId);

        await client.ListOAuthAppsAsync();
        await Assert.ThrowsAsync<WachtOutcomeUnknownException>(() => client.RotateOAuthClientSecretAsync("reports", ClientId));

        Assert.Equal(2, server.RequestLines.Count);
        Assert.StartsWith("POST /oauth/apps/reports/clients/9223372036854775806/rotate-secret ", server.RequestLines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_idempotent_call_on_a_connection_closed_by_the_server_is_retried()
    {
        await using var server = new RawHttpServer((number, _) => number switch
        {
            1 => RawHttpServer.Ok(Fixtures.Apps()),
            2 => null,
            _ => RawHttpServer.Ok(Fixtures.Apps(Fixtures.App)),
        });
        await using var services = Services(server.BaseAddress);
        var client = services.GetRequiredService<IWachtClientFactory>().GetClient(WachtTestHost.DeploymentId);

        await client.ListOAuthAppsAsync();
        var apps = await client.ListOAuthAppsAsync();

        Assert.Single(apps);
        Assert.Equal(3, server.RequestLines.Count);
    }

    [Fact]
    public async Task Connection_refused_on_a_real_socket_is_retried_for_rotate_and_reported_as_not_sent()
    {
        // Reserve a port and close it again: nothing listens there.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var services = Services(new Uri($"http://127.0.0.1:{port}/"));
        var client = services.GetRequiredService<IWachtClientFactory>().GetClient(WachtTestHost.DeploymentId);

        var error = await Assert.ThrowsAsync<WachtTransportException>(() => client.RotateOAuthClientSecretAsync("reports", ClientId));

        Assert.False(error.RequestMayHaveBeenSent);
    }
}
