namespace Wacht.Emulator;

internal sealed class GrantRecord
{
    public required long Id { get; init; }

    public required string ApiAuthAppSlug { get; init; }

    public required long OauthClientId { get; init; }

    public required string Resource { get; init; }

    public List<string> Scopes { get; init; } = [];

    /// <summary><c>active</c> or <c>revoked</c>; expiry does not change it.</summary>
    public string Status { get; set; } = "active";

    public DateTimeOffset GrantedAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; set; }

    public long? GrantedByUserId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}
