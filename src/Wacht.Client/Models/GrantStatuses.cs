namespace Wacht.Client;

/// <summary>Known values of <see cref="OAuthGrant.Status"/>.</summary>
public static class GrantStatuses
{
    public const string Active = "active";
    public const string Revoked = "revoked";
}
