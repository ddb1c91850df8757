namespace Wacht.Client;

/// <summary>The answer of verifyOAuthAppDomain.</summary>
public sealed record DomainVerification
{
    public string Domain { get; init; } = "";

    public string CnameTarget { get; init; } = "";

    public bool Verified { get; init; }
}
