using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Wacht.Emulator.Tests;

/// <summary>Raw calls to the runtime endpoints on the emulator's port, with the Host header naming the app.</summary>
internal sealed class RuntimeApi(WachtEmulator emulator) : IDisposable
{
    public HttpClient Http { get; } = new() { BaseAddress = emulator.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>HTTP Basic as RFC 6749 2.3.1 says: both parts form-urlencoded first.</summary>
    public static AuthenticationHeaderValue Basic(string clientId, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(WebUtility.UrlEncode(clientId) + ":" + WebUtility.UrlEncode(secret))));

    public Task<ApiResponse> IntrospectAsync(string host, IEnumerable<KeyValuePair<string, string>> form, AuthenticationHeaderValue? authorization = null) =>
        PostAsync("oauth/introspect", host, new FormUrlEncodedContent(form), authorization);

    public Task<ApiResponse> RevokeAsync(string host, IEnumerable<KeyValuePair<string, string>> form, AuthenticationHeaderValue? authorization = null) =>
        PostAsync("oauth/revoke", host, new FormUrlEncodedContent(form), authorization);

    public async Task<ApiResponse> PostAsync(string path, string host, HttpContent content, AuthenticationHeaderValue? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Host = host;
        request.Headers.Authorization = authorization;
        using var response = await Http.SendAsync(request);
        return new ApiResponse(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers, response.Content.Headers);
    }

    public static KeyValuePair<string, string>[] Form(params (string Name, string Value)[] fields) =>
        [.. fields.Select(f => KeyValuePair.Create(f.Name, f.Value))];

    public void Dispose() => Http.Dispose();
}
