namespace Wacht.Client;

/// <summary>The JSON body of updateOAuthScope; null fields are omitted.</summary>
public sealed record UpdateOAuthScopeRequest
{
    public string? DisplayName { get; init; }

    public string? Description { get; init; }
}
