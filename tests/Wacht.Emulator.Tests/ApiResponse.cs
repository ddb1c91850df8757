using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Wacht.Emulator.Tests;

/// <summary>A response read as raw text, with its JSON parsed on demand (tests assert on the wire, not on records).</summary>
internal sealed record ApiResponse(HttpStatusCode Status, string Body, HttpResponseHeaders Headers, HttpContentHeaders? ContentHeaders)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    /// <summary>Asserts the contract's error envelope and returns its message.</summary>
    public string AssertError(HttpStatusCode status)
    {
        Assert.Equal(status, Status);
        var error = Assert.Single(Json.GetProperty("errors").EnumerateArray().ToList());
        Assert.Equal((int)status, error.GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.Number, error.GetProperty("code").ValueKind);
        return error.GetProperty("message").GetString()!;
    }

    public void AssertError(HttpStatusCode status, string message) => Assert.Equal(message, AssertError(status));
}
