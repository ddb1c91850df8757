namespace Wacht.Client;

/// <summary>The answer of <see cref="IWachtClient.CheckClientSecretAsync(string, string, string, ClientSecret, CancellationToken)"/>.</summary>
public enum SecretCheck
{
    /// <summary>Wacht authenticated the client with the secret: it is the current one.</summary>
    Accepted = 1,

    /// <summary>Wacht refused the client's authentication (401 <c>invalid_client</c>): not the current secret, or the client is unknown or inactive.</summary>
    Rejected = 2,

    /// <summary>The client's auth method (<c>none</c>, <c>private_key_jwt</c>) has no secret; nothing was sent.</summary>
    NotApplicable = 3,
}
