namespace Wacht.Client;

/// <summary>
/// The Wacht OAuth management API of one deployment: one method per endpoint of the contract, named as the SDK
/// methods. Arguments are validated before any I/O: a path argument (slug, scope, key id, record id) that could not
/// reach its endpoint as exactly one path segment raises <see cref="WachtArgumentException"/>, other bad arguments
/// <see cref="ArgumentException"/>. Failures raise <see cref="WachtException"/> subclasses; caller cancellation raises
/// <see cref="OperationCanceledException"/>.
/// </summary>
/// <remarks>
/// Create app, create client, rotate secret, rotate signing key and compromise signing key are never retried once
/// the request may have reached the server; a timeout, broken connection or 408/5xx answer to them raises
/// <see cref="WachtOutcomeUnknownException"/>. All other calls are retried on transient failures.
/// </remarks>
public interface IWachtClient
{
    /// <summary>The deployment this client talks to.</summary>
    string DeploymentId { get; }

    /// <summary>GET /oauth/apps.</summary>
    Task<IReadOnlyList<OAuthApp>> ListOAuthAppsAsync(CancellationToken ct = default);

    /// <summary>POST /oauth/apps (multipart/form-data). Not retried.</summary>
    Task<OAuthApp> CreateOAuthAppAsync(CreateOAuthAppRequest request, CancellationToken ct = default);

    /// <summary>PATCH /oauth/apps/{slug}.</summary>
    Task<OAuthApp> UpdateOAuthAppAsync(string appSlug, UpdateOAuthAppRequest request, CancellationToken ct = default);

    /// <summary>POST /oauth/apps/{slug}/verify-domain.</summary>
    Task<DomainVerification> VerifyOAuthAppDomainAsync(string appSlug, CancellationToken ct = default);

    /// <summary>PATCH /oauth/apps/{slug}/scopes/{scope}.</summary>
    Task<OAuthApp> UpdateOAuthScopeAsync(string appSlug, string scope, UpdateOAuthScopeRequest request, CancellationToken ct = default);

    /// <summary>POST /oauth/apps/{slug}/scopes/{scope}/archive.</summary>
    Task<OAuthApp> ArchiveOAuthScopeAsync(string appSlug, string scope, CancellationToken ct = default);

    /// <summary>POST /oauth/apps/{slug}/scopes/{scope}/unarchive.</summary>
    Task<OAuthApp> UnarchiveOAuthScopeAsync(string appSlug, string scope, CancellationToken ct = default);

    /// <summary>POST /oauth/apps/{slug}/scopes/{scope}/mapping.</summary>
    Task<OAuthApp> SetOAuthScopeMappingAsync(string appSlug, string scope, SetOAuthScopeMappingRequest request, CancellationToken ct = default);

    /// <summary>GET /oauth/apps/{slug}/clients (deactivated clients included, with <c>IsActive=false</c>).</summary>
    Task<IReadOnlyList<OAuthClient>> ListOAuthClientsAsync(string appSlug, CancellationToken ct = default);

    /// <summary>POST /oauth/apps/{slug}/clients. Not retried. The returned secret is shown this once.</summary>
    Task<CreatedOAuthClient> CreateOAuthClientAsync(string appSlug, CreateOAuthClientRequest request, CancellationToken ct = default);

    /// <summary>PATCH /oauth/apps/{slug}/clients/{oauthClientId}; <paramref name="oauthClientId"/> is the record id.</summary>
    Task<OAuthClient> UpdateOAuthClientAsync(string appSlug, string oauthClientId, UpdateOAuthClientRequest request, CancellationToken ct = default);

    /// <summary>
    /// DELETE /oauth/apps/{slug}/clients/{oauthClientId}. Retried on transient failures; a 404 on a retry (after an
    /// earlier attempt may have deactivated the client) counts as success. A 404 on the first attempt raises
    /// <see cref="WachtNotFoundException"/> (unknown or already inactive client).
    /// </summary>
    Task DeactivateOAuthClientAsync(string appSlug, string oauthClientId, CancellationToken ct = default);

    /// <summary>
    /// POST /oauth/apps/{slug}/clients/{oauthClientId}/rotate-secret. Not retried. The old secret stops working at once;
    /// persist the returned secret before anything else.
    /// </summary>
    Task<RotatedClientSecret> RotateOAuthClientSecretAsync(string appSlug, string oauthClientId, CancellationToken ct = default);

    /// <summary>GET /oauth/apps/{slug}/clients/{oauthClientId}/grants (newest first).</summary>
    Task<IReadOnlyList<OAuthGrant>> ListOAuthGrantsAsync(string appSlug, string oauthClientId, CancellationToken ct = default);

    /// <summary>POST /oauth/apps/{slug}/clients/{oauthClientId}/grants/{grantId}/revoke (idempotent on the server).</summary>
    Task RevokeOAuthGrantAsync(string appSlug, string oauthClientId, string grantId, CancellationToken ct = default);

    /// <summary>GET /oauth/apps/{slug}/signing-keys.</summary>
    Task<IReadOnlyList<SigningKey>> ListOAuthAppSigningKeysAsync(string appSlug, CancellationToken ct = default);

    /// <summary>POST /oauth/apps/{slug}/signing-keys/rotate; returns the new key. Not retried.</summary>
    Task<SigningKey> RotateOAuthAppSigningKeyAsync(string appSlug, CancellationToken ct = default);

    /// <summary>POST /oauth/apps/{slug}/signing-keys/{kid}/compromise. Not retried.</summary>
    Task CompromiseOAuthAppSigningKeyAsync(string appSlug, string kid, CancellationToken ct = default);

    /// <summary>
    /// Checks whether Wacht currently accepts <paramref name="secret"/> for a client: POST /oauth/introspect on the app's
    /// host (<c>https://{appFqdn}</c>, see <see cref="WachtDeploymentOptions.RuntimeBaseUrl"/>), authenticated as
    /// <paramref name="clientAuthMethod"/> says (<c>client_secret_jwt</c> signs with HS256, the platform's default), with a
    /// token nobody issued. No side effect; transient failures (408, 429, 5xx, network, timeouts) are retried within the
    /// deployment's MaxRetries, RequestTimeout and TotalTimeout, then raised as transient <see cref="WachtException"/>s.
    /// </summary>
    /// <param name="appFqdn">The app's <see cref="OAuthApp.Fqdn"/>; must be a plain DNS host name.</param>
    /// <param name="clientId">The client's public <see cref="OAuthClient.ClientId"/> (not its record id).</param>
    /// <returns>
    /// <see cref="SecretCheck.Accepted"/>, <see cref="SecretCheck.Rejected"/> (not the current secret, or the client is
    /// unknown or inactive), or <see cref="SecretCheck.NotApplicable"/> for <c>none</c> and <c>private_key_jwt</c> (no call).
    /// </returns>
    /// <exception cref="ArgumentException">A blank argument, an fqdn that is not a host name, or an unknown auth method.</exception>
    /// <exception cref="WachtAppHostNotFoundException">No active app is served at that host (404).</exception>
    Task<SecretCheck> CheckClientSecretAsync(string appFqdn, string clientId, string clientAuthMethod, ClientSecret secret, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="CheckClientSecretAsync(string, string, string, ClientSecret, CancellationToken)"/> for a client as listed:
    /// its client_id, client_auth_method and, for <c>client_secret_jwt</c>, its token_endpoint_auth_signing_alg.
    /// </summary>
    Task<SecretCheck> CheckClientSecretAsync(string appFqdn, OAuthClient client, ClientSecret secret, CancellationToken cancellationToken = default);
}
