namespace Wacht.Emulator;

public sealed class SeedGrant
{
    public string? Id { get; set; }

    /// <summary>e.g. <c>urn:wacht:organization:123</c>, <c>urn:wacht:workspace:123</c>, <c>urn:wacht:user:123</c>.</summary>
    public required string Resource { get; set; }

    public IList<string> Scopes { get; set; } = new List<string>();

    /// <summary><c>active</c> or <c>revoked</c>.</summary>
    public string Status { get; set; } = "active";

    public DateTimeOffset? GrantedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public string? GrantedByUserId { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }
}
