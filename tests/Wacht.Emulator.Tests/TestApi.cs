using System.Net.Http.Headers;
using System.Text;

namespace Wacht.Emulator.Tests;

/// <summary>Raw HttpClient calls against one deployment in one path style.</summary>
internal sealed class TestApi : IDisposable
{
    private readonly PathStyle _style;
    private readonly string _deploymentId;

    public TestApi(WachtEmulator emulator, PathStyle style, string deploymentId, string? apiKey, TimeSpan? timeout = null)
    {
        _style = style;
        _deploymentId = deploymentId;
        Http = new HttpClient { BaseAddress = emulator.BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
    }

    public HttpClient Http { get; }

    public static TestApi For(WachtEmulator emulator, PathStyle style, string deploymentId = TestWorld.DeploymentA, TimeSpan? timeout = null) =>
        new(emulator, style, deploymentId, emulator.State.GetApiKey(deploymentId), timeout);

    /// <summary>The full path of a contract path relative to the style prefix (e.g. <c>apps/crm/clients</c>).</summary>
    public string PathOf(string relative) =>
        _style == PathStyle.Backend ? $"oauth/{relative}" : $"deployments/{_deploymentId}/oauth/{relative}";

    public Task<ApiResponse> GetAsync(string relative) => SendAsync(HttpMethod.Get, relative);

    public Task<ApiResponse> PostAsync(string relative, HttpContent? content = null) => SendAsync(HttpMethod.Post, relative, content);

    public Task<ApiResponse> PostJsonAsync(string relative, string json) => SendAsync(HttpMethod.Post, relative, Json(json));

    public Task<ApiResponse> PatchJsonAsync(string relative, string json) => SendAsync(HttpMethod.Patch, relative, Json(json));

    public Task<ApiResponse> DeleteAsync(string relative) => SendAsync(HttpMethod.Delete, relative);

    public async Task<ApiResponse> SendAsync(HttpMethod method, string relative, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, PathOf(relative)) { Content = content };
        return await SendRawAsync(request);
    }

    public async Task<ApiResponse> SendRawAsync(HttpRequestMessage request)
    {
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new ApiResponse(response.StatusCode, body, response.Headers, response.Content.Headers);
    }

    /// <summary>createOAuthApp's multipart form.</summary>
    public Task<ApiResponse> CreateAppAsync(params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return PostAsync("apps", form);
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public void Dispose() => Http.Dispose();
}
