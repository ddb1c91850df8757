namespace Wacht.Worker.Contracts;

/// <summary>What a <see cref="QuarantineClient"/> did to the client's secret. Never the secret itself.</summary>
public sealed record QuarantineSecretStep
{
    /// <summary>Whether the secret was rotated (the old one is dead).</summary>
    public bool Rotated { get; init; }

    /// <summary>True when the new secret was thrown away (<see cref="QuarantineClient.Discard"/>): nobody holds a working secret.</summary>
    public bool Discarded { get; init; }

    /// <summary>
    /// The id of the rotation the quarantine ran, derived from the quarantine's command id: its ledger record and
    /// rotation history carry it (a delivered rotation is in the client's rotation history like any other).
    /// </summary>
    public Guid RotateCommandId { get; init; }

    /// <summary>When Wacht issued the new secret.</summary>
    public DateTimeOffset? RotatedAt { get; init; }

    /// <summary>Delivered: the route that chose the destination. Null when discarded.</summary>
    public string? Route { get; init; }

    /// <summary>Delivered: the destination's configured name. Null when discarded.</summary>
    public string? Destination { get; init; }

    /// <summary>Delivered: the key in the destination. Null when discarded.</summary>
    public string? DestinationKey { get; init; }

    /// <summary>Delivered: the fingerprint of the new secret (first 12 hex digits of its SHA-256). Null when discarded.</summary>
    public string? SecretFingerprint { get; init; }

    /// <summary>Delivered: when Wacht was seen to accept the delivered secret.</summary>
    public DateTimeOffset? VerifiedAt { get; init; }

    /// <summary>Delivered: whether one of the route's reload actions failed (the secret is delivered and works).</summary>
    public bool ReloadFailed { get; init; }
}
