using System.Globalization;
using System.Text.Json.Serialization;

namespace Wacht.Emulator;

/// <summary>
/// Holds matching requests: each is accepted (counted, body read) but not executed until it is released through
/// <see cref="CallHolds"/> or <see cref="ReleaseAfterMs"/> passes. On release the request is executed at that moment
/// (a held rotate rotates then, invalidating any secret issued in between) and the emulator then tries to answer,
/// whether or not the caller is still there. This is the "late call" of issue 10.
/// </summary>
/// <remarks>
/// A request is held after the fault rules had their say: a request that a fault rule fails is answered with the error
/// and never held. Client filters (<see cref="ClientId"/>, <see cref="OAuthClientId"/>) match the client in the request
/// path, so they apply to the client operations (rotate, update, deactivate, grants).
/// </remarks>
public sealed record HoldRule
{
    /// <summary>Assigned by <see cref="CallHolds.Add"/>; ignored on input.</summary>
    public long Id { get; set; }

    /// <summary>An operation name from <see cref="OAuthOperations"/> or <c>*</c>; default rotateOAuthClientSecret.</summary>
    public string Operation { get; set; } = OAuthOperations.RotateOAuthClientSecret;

    /// <summary>Only requests for this deployment; null for all.</summary>
    public string? DeploymentId { get; set; }

    /// <summary>Only requests for the client with this public <c>client_id</c>.</summary>
    public string? ClientId { get; set; }

    /// <summary>Only requests for the client with this record id (the <c>{oauth_client_id}</c> of the path).</summary>
    [JsonPropertyName("oauth_client_id")]
    public string? OAuthClientId { get; set; }

    /// <summary>How many more matching requests this rule holds; the rule expires after the last one.</summary>
    public int Remaining { get; set; } = 1;

    /// <summary>Release a held request by itself after this long; null holds it until released (or the emulator stops).</summary>
    public int? ReleaseAfterMs { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> when the rule cannot be applied.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Operation) || (Operation != OAuthOperations.Any && !OAuthOperations.IsKnown(Operation)))
        {
            throw new ArgumentException($"unknown operation '{Operation}'");
        }

        if (Remaining <= 0)
        {
            throw new ArgumentException("remaining must be positive");
        }

        if (ReleaseAfterMs is < 0)
        {
            throw new ArgumentException("release_after_ms must not be negative");
        }

        if (OAuthClientId is not null && !long.TryParse(OAuthClientId, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new ArgumentException("oauth_client_id must be a client record id (a decimal 64-bit integer)");
        }

        if (ClientId is { Length: 0 })
        {
            throw new ArgumentException("client_id must not be empty when set");
        }
    }
}
