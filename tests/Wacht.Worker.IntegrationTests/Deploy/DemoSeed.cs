using System.Text.Json;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.IntegrationTests.Deploy;

/// <summary>One client of deploy/emulator/demo-seed.json (what the emulator's image serves), with its deployment and app.</summary>
internal sealed record SeedClient(string DeploymentId, string ApiKey, string AppSlug, string AppFqdn, string RecordId, string ClientId)
{
    /// <summary>The <c>Worker:RotationSweep:Include</c> pattern that selects this client alone.</summary>
    public string Pattern => $"{DeploymentId}/{AppSlug}/{ClientId}";

    /// <summary>Where the file destination keeps this client's secret, under its directory.</summary>
    public string SecretFile => $"{DeploymentId}/{AppSlug}/{ClientId}.json";
}

internal static class DemoSeed
{
    /// <summary>An active client_secret_basic client of the seed's first deployment, whose secret is older than 90 days.</summary>
    public static SeedClient BasicClient(string appSlug, string clientId)
    {
        using var seed = JsonDocument.Parse(File.ReadAllText(Repository.File("deploy/emulator/demo-seed.json")));
        foreach (var deployment in seed.RootElement.GetProperty("deployments").EnumerateArray())
        {
            foreach (var app in deployment.GetProperty("apps").EnumerateArray().Where(a => a.GetProperty("slug").GetString() == appSlug))
            {
                foreach (var client in app.GetProperty("clients").EnumerateArray().Where(c => c.GetProperty("client_id").GetString() == clientId))
                {
                    Assert.Equal("client_secret_basic", client.GetProperty("client_auth_method").GetString());
                    return new SeedClient(
                        deployment.GetProperty("id").GetString()!,
                        deployment.GetProperty("api_key").GetString()!,
                        appSlug,
                        app.GetProperty("fqdn").GetString()!,
                        client.GetProperty("id").GetString()!,
                        clientId);
                }
            }
        }

        throw new InvalidOperationException($"No client {clientId} of app {appSlug} in deploy/emulator/demo-seed.json.");
    }

    /// <summary>
    /// Whether the emulator at <paramref name="emulator"/> accepts <paramref name="secret"/> for the client: its app's
    /// introspection endpoint (Host = the app's fqdn) with HTTP Basic, as an integration using the secret would call it.
    /// </summary>
    public static async Task<bool> WachtAcceptsAsync(Uri emulator, SeedClient client, string secret)
    {
        using var http = new HttpClient { BaseAddress = emulator, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/introspect")
        {
            Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("token", "probe")]),
        };
        request.Headers.Host = client.AppFqdn;
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{client.ClientId}:{secret}")));
        using var response = await http.SendAsync(request);
        return response.IsSuccessStatusCode;
    }
}
