namespace Wacht.Client;

/// <summary>
/// The answer of rotateOAuthClientSecret. The old secret stopped working when the server answered; this
/// secret is returned once and never again, so persist it before anything else.
/// </summary>
public sealed record RotatedClientSecret
{
    public required ClientSecret ClientSecret { get; init; }
}
