using System.Text;
using System.Text.Json;

namespace Wacht.Emulator.Tests;

/// <summary>The /_emulator test surface over HTTP.</summary>
internal static class SurfaceClient
{
    public static async Task<bool> VerifySecretAsync(WachtEmulator emulator, string clientId, string clientSecret)
    {
        using var http = new HttpClient { BaseAddress = emulator.BaseAddress };
        var body = JsonSerializer.Serialize(new Dictionary<string, string> { ["client_id"] = clientId, ["client_secret"] = clientSecret });
        using var response = await http.PostAsync("_emulator/secrets/verify", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("valid").GetBoolean();
    }

    public static async Task<(System.Net.HttpStatusCode Status, string Body)> SendAsync(WachtEmulator emulator, HttpMethod method, string path, string? json = null)
    {
        using var http = new HttpClient { BaseAddress = emulator.BaseAddress };
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
