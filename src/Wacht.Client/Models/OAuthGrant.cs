using System.Text.Json.Serialization;
using Wacht.Client.Serialization;

namespace Wacht.Client;

/// <summary>A grant a user gave to an OAuth client (contract object <c>OAuthGrant</c>).</summary>
public sealed record OAuthGrant
{
    private IReadOnlyList<string> _scopes = [];

    [JsonConverter(typeof(WachtIdJsonConverter))]
    public required string Id { get; init; }

    public string ApiAuthAppSlug { get; init; } = "";

    /// <summary>The client's record id.</summary>
    [JsonPropertyName("oauth_client_id")]
    [JsonConverter(typeof(WachtIdJsonConverter))]
    public string OAuthClientId { get; init; } = "";

    public string Resource { get; init; } = "";

    public IReadOnlyList<string> Scopes
    {
        get => _scopes;
        init => _scopes = value ?? [];
    }

    /// <summary>One of <see cref="GrantStatuses"/>. Stays <c>active</c> after <see cref="ExpiresAt"/> has passed.</summary>
    public string Status { get; init; } = "";

    public DateTimeOffset GrantedAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    [JsonConverter(typeof(WachtIdJsonConverter))]
    public string? GrantedByUserId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>True when the grant is active and not past its expiry at <paramref name="now"/>.</summary>
    public bool IsEffectivelyActive(DateTimeOffset now) =>
        string.Equals(Status, GrantStatuses.Active, StringComparison.Ordinal) && (ExpiresAt is null || ExpiresAt > now);
}
