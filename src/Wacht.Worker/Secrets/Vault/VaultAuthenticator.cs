using System.Text.Json.Nodes;

namespace Wacht.Worker.Secrets.Vault;

/// <summary>
/// Holds the worker's Vault token. <c>token</c>: read from the file, the environment variable or the setting (a file is
/// read again when Vault refuses the token, so a token that Vault Agent renews on disk is picked up). <c>approle</c>
/// and <c>kubernetes</c>: logs in, keeps the token, and logs in again once two thirds of its lease have passed or
/// when Vault refuses it (403). Never logs or reports a token, secret id or JWT.
/// </summary>
internal sealed class VaultAuthenticator(VaultAuthOptions options, TimeProvider timeProvider)
{
    public const string TokenMethod = "token";
    public const string AppRoleMethod = "approle";
    public const string KubernetesMethod = "kubernetes";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _renewAt = DateTimeOffset.MaxValue;

    /// <summary>Whether a refused token can be replaced (a login method, or a token file that may have changed).</summary>
    public bool CanRefresh => !IsTokenMethod || options.TokenFile is not null;

    private bool IsTokenMethod => string.Equals(options.Method, TokenMethod, StringComparison.OrdinalIgnoreCase);

    /// <summary>The token to send; <paramref name="refresh"/>: the last one was refused, get another.</summary>
    public async Task<string> TokenAsync(VaultClient client, bool refresh, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!refresh && _token is not null && timeProvider.GetUtcNow() < _renewAt)
            {
                return _token;
            }

            if (IsTokenMethod)
            {
                _token = ReadTokenSource();
                _renewAt = DateTimeOffset.MaxValue;
                return _token;
            }

            var (token, lease) = await LoginAsync(client, cancellationToken);
            _token = token;
            _renewAt = lease > TimeSpan.Zero ? timeProvider.GetUtcNow() + (lease * 2 / 3) : DateTimeOffset.MaxValue;
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task<(string Token, TimeSpan Lease)> LoginAsync(VaultClient client, CancellationToken cancellationToken)
    {
        if (string.Equals(options.Method, AppRoleMethod, StringComparison.OrdinalIgnoreCase))
        {
            var secretId = options.SecretIdFile is not null
                ? ReadFile(options.SecretIdFile, "Auth:SecretIdFile")
                : Environment.GetEnvironmentVariable(options.SecretIdEnvironmentVariable!)?.Trim() ?? "";
            return client.LoginAsync(options.Mount ?? AppRoleMethod, new JsonObject { ["role_id"] = options.RoleId, ["secret_id"] = secretId }, cancellationToken);
        }

        // Kubernetes: the service account's projected token, read on every login (the kubelet rotates it).
        var jwt = ReadFile(options.JwtFile, "Auth:JwtFile");
        return client.LoginAsync(options.Mount ?? KubernetesMethod, new JsonObject { ["role"] = options.Role, ["jwt"] = jwt }, cancellationToken);
    }

    private string ReadTokenSource()
    {
        if (options.TokenFile is not null)
        {
            return ReadFile(options.TokenFile, "Auth:TokenFile");
        }

        if (options.Token is not null)
        {
            return options.Token.Trim();
        }

        var variable = options.TokenEnvironmentVariable ?? "VAULT_TOKEN";
        var token = Environment.GetEnvironmentVariable(variable)?.Trim();
        return string.IsNullOrEmpty(token)
            ? throw new SecretDestinationException(SecretDestinationFailure.Forbidden, $"Vault token: the environment variable {variable} is not set.")
            : token;
    }

    private static string ReadFile(string path, string setting)
    {
        try
        {
            var text = File.ReadAllText(path).Trim();
            return text.Length > 0
                ? text
                : throw new SecretDestinationException(SecretDestinationFailure.Forbidden, $"Vault {setting}: the file {path} is empty.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SecretDestinationException(SecretDestinationFailure.Forbidden, $"Vault {setting}: cannot read {path} ({ex.GetType().Name}).");
        }
    }
}
