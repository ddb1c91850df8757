namespace Wacht.Worker.Secrets.Vault;

/// <summary>Settings of a <c>vault</c> destination (<c>Worker:Secrets:Destinations:{name}</c>), HashiCorp Vault KV v2.</summary>
public sealed class VaultDestinationOptions
{
    /// <summary>Vault's address, e.g. <c>https://vault.example.com:8200</c>. Required; <c>http</c> only to a loopback host.</summary>
    public string? Address { get; set; }

    /// <summary>The Vault Enterprise namespace (<c>X-Vault-Namespace</c>); none by default.</summary>
    public string? Namespace { get; set; }

    /// <summary>The KV v2 mount. Default <c>secret</c>.</summary>
    public string Mount { get; set; } = "secret";

    /// <summary>The secret path within the mount when the route names none. Default <c>wacht/{deploymentId}/{appSlug}/{oauthClientId}</c>.</summary>
    public string? KeyTemplate { get; set; }

    /// <summary>How the worker logs in.</summary>
    public VaultAuthOptions Auth { get; set; } = new();

    /// <summary>Timeout of one API call. Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a write that lost a race (check-and-set mismatch) is re-read and re-decided before giving up. Default 5.</summary>
    public int MaxConflictRetries { get; set; } = 5;
}

/// <summary>Vault authentication (<c>…:Auth</c>).</summary>
public sealed class VaultAuthOptions
{
    /// <summary><c>token</c> (default), <c>approle</c> or <c>kubernetes</c>.</summary>
    public string Method { get; set; } = "token";

    /// <summary>token: a file holding the token (re-read when Vault refuses the token, e.g. after Vault Agent renewed it).</summary>
    public string? TokenFile { get; set; }

    /// <summary>token: an environment variable holding the token. Default <c>VAULT_TOKEN</c> when no other source is set.</summary>
    public string? TokenEnvironmentVariable { get; set; }

    /// <summary>token: the token itself (prefer a file or an environment variable).</summary>
    public string? Token { get; set; }

    /// <summary>approle, kubernetes: the auth mount. Default <c>approle</c> or <c>kubernetes</c>.</summary>
    public string? Mount { get; set; }

    /// <summary>approle: the role id.</summary>
    public string? RoleId { get; set; }

    /// <summary>approle: a file holding the secret id.</summary>
    public string? SecretIdFile { get; set; }

    /// <summary>approle: an environment variable holding the secret id.</summary>
    public string? SecretIdEnvironmentVariable { get; set; }

    /// <summary>kubernetes: the Vault role.</summary>
    public string? Role { get; set; }

    /// <summary>kubernetes: the service-account token file. Default <c>/var/run/secrets/kubernetes.io/serviceaccount/token</c>.</summary>
    public string JwtFile { get; set; } = "/var/run/secrets/kubernetes.io/serviceaccount/token";
}
