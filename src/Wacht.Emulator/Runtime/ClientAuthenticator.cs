using System.Text;
using Microsoft.Extensions.Primitives;

namespace Wacht.Emulator;

/// <summary>
/// Client authentication of the runtime endpoints, by the client's <c>client_auth_method</c>, following the platform:
/// the client id comes from HTTP Basic, else from the form's <c>client_id</c> (also for <c>client_secret_jwt</c>);
/// an unknown or inactive client, a missing or wrong secret, or a refused assertion is 401 <c>invalid_client</c>.
/// </summary>
internal static class ClientAuthenticator
{
    public static AuthVerdict Authenticate(
        HttpRequest request,
        IReadOnlyDictionary<string, StringValues> form,
        EmulatorRuntime runtime,
        StateData data,
        DeploymentState deployment,
        AppRecord app,
        string endpointPath)
    {
        if (!TryReadBasic(request.Headers.Authorization.ToString(), out var basicId, out var basicSecret))
        {
            return AuthVerdict.Unauthorized;
        }

        var clientId = basicId ?? Field(form, "client_id");
        if (string.IsNullOrEmpty(clientId) || !data.ClientsByPublicId.TryGetValue(clientId, out var client) || client.App != app)
        {
            return AuthVerdict.Unauthorized;
        }

        string method;
        byte[]? secretHash;
        string? assertionKey;
        string? signingAlg;
        lock (deployment.Gate)
        {
            if (!client.IsActive)
            {
                return AuthVerdict.Unauthorized;
            }

            method = client.ClientAuthMethod;
            secretHash = client.SecretHash;
            assertionKey = client.AssertionKey;
            signingAlg = client.TokenEndpointAuthSigningAlg;
        }

        switch (method)
        {
            case "none":
                // As on the platform: a public client is identified by its client_id alone.
                return AuthVerdict.Authenticated;
            case "client_secret_basic":
                return basicSecret is not null && ClientSecrets.Matches(secretHash, basicSecret) ? AuthVerdict.Authenticated : AuthVerdict.Unauthorized;
            case "client_secret_post":
                var posted = Field(form, "client_secret")?.Trim();
                return !string.IsNullOrEmpty(posted) && ClientSecrets.Matches(secretHash, posted) ? AuthVerdict.Authenticated : AuthVerdict.Unauthorized;
            case "client_secret_jwt":
                return AuthenticateAssertion(form, runtime, app, endpointPath, client.ClientId, assertionKey, signingAlg ?? "HS256");
            default:
                // private_key_jwt needs an assertion signed with the client's private key; the emulator does not verify
                // those (deploy/emulator/README.md), so such a client never authenticates here.
                return AuthVerdict.Unauthorized;
        }
    }

    private static AuthVerdict AuthenticateAssertion(
        IReadOnlyDictionary<string, StringValues> form,
        EmulatorRuntime runtime,
        AppRecord app,
        string endpointPath,
        string clientId,
        string? key,
        string algorithm)
    {
        var assertion = Field(form, "client_assertion");
        if (key is null
            || Field(form, "client_assertion_type") != ClientAssertionVerifier.AssertionType
            || assertion is null
            || !ClientAssertionVerifier.IsSupported(algorithm))
        {
            return AuthVerdict.Unauthorized;
        }

        var verdict = ClientAssertionVerifier.Verify(
            assertion,
            algorithm,
            key,
            clientId,
            $"https://{app.Fqdn}{endpointPath}",
            runtime.State.TimeProvider.GetUtcNow().ToUnixTimeSeconds(),
            runtime.AssertionReplay);
        if (verdict.IsValid)
        {
            return AuthVerdict.Authenticated;
        }

        // The platform lets its JWT library's errors (signature, algorithm, expiry, claim types) through as
        // 400 "Invalid token: ..."; the contract says 401. The option picks the platform's form.
        return verdict.InvalidTokenKind is { } kind && runtime.Options.PlatformAssertionErrors
            ? AuthVerdict.BadRequest($"Invalid token: {kind}")
            : AuthVerdict.Unauthorized;
    }

    /// <summary>
    /// Reads <c>Authorization: Basic</c>. No Basic header: true with nulls. A Basic header that does not decode to a
    /// non-empty id and secret: false (401), as on the platform. Both parts are then form-urldecoded (RFC 6749 2.3.1);
    /// the platform does not decode, which makes no difference for its client ids and secrets (base64url characters).
    /// </summary>
    internal static bool TryReadBasic(string header, out string? clientId, out string? secret)
    {
        clientId = null;
        secret = null;
        var value = header.Trim();
        if (!value.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return true;
        }

        string pair;
        try
        {
            pair = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(value["Basic ".Length..].Trim()));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return false;
        }

        var colon = pair.IndexOf(':', StringComparison.Ordinal);
        var id = FormDecode(colon < 0 ? pair : pair[..colon]);
        var password = colon < 0 ? "" : FormDecode(pair[(colon + 1)..]);
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(password))
        {
            return false;
        }

        clientId = id;
        secret = password;
        return true;
    }

    private static string FormDecode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));

    private static string? Field(IReadOnlyDictionary<string, StringValues> form, string name) =>
        form.TryGetValue(name, out var value) ? value.ToString() : null;
}

/// <summary>Authenticated, 401 invalid_client, or 400 invalid_request with a description.</summary>
internal readonly record struct AuthVerdict(bool IsAuthenticated, string? BadRequestDescription)
{
    public static AuthVerdict Authenticated => new(true, null);

    public static AuthVerdict Unauthorized => new(false, null);

    public static AuthVerdict BadRequest(string description) => new(false, description);
}
