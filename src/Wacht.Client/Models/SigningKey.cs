namespace Wacht.Client;

/// <summary>A signing key of an OAuth app (entries of <c>{"keys":[...]}</c> and the <c>new</c> key of a rotation).</summary>
public sealed record SigningKey
{
    public required string Kid { get; init; }

    public string Algorithm { get; init; } = "";

    /// <summary>The key's status as the server names it (kept as a string).</summary>
    public string Status { get; init; } = "";

    public string PublicKeyPem { get; init; } = "";
}
