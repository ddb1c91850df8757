namespace Wacht.Client;

/// <summary>
/// The answer of createOAuthClient: the new client plus, for confidential clients, its secret. The secret is
/// returned this once and never again; persist it before doing anything else.
/// </summary>
public sealed record CreatedOAuthClient : OAuthClient
{
    /// <summary>The initial secret, or null for clients that do not use one (e.g. <c>none</c>, <c>private_key_jwt</c>).</summary>
    public ClientSecret? ClientSecret { get; init; }
}
