using System.Text.Json;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Quarantine;

/// <summary>
/// The steps of one <see cref="QuarantineClient"/> as far as they got, kept in the command's ledger record
/// (<see cref="Ledger.ICommandLedger.RecordIntentAsync"/>, which survives a failure and its re-open). Written before and
/// after each call that changes something at Wacht, so a re-drive knows which step to resume and which calls may have
/// taken effect.
/// </summary>
internal sealed record QuarantineProgress
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>The client's public <c>client_id</c>, once looked up.</summary>
    public string? ClientId { get; init; }

    /// <summary>The secret step, once finished (<see cref="QuarantineSecretStep.Rotated"/> true).</summary>
    public QuarantineSecretStep? Secret { get; init; }

    /// <summary>
    /// A rotate call was made for this quarantine whose secret is not (yet) delivered or discarded: the old secret
    /// may be dead. Set when the secret step fails after such a call.
    /// </summary>
    public bool RotateMayHaveBeenCalled { get; init; }

    /// <summary>The grants revoked so far, in order.</summary>
    public IReadOnlyList<string> RevokedGrantIds { get; init; } = [];

    /// <summary>The grant whose revoke call was made last and whose answer is not recorded (a re-drive checks it).</summary>
    public string? Revoking { get; init; }

    /// <summary>Every active grant is revoked (seen by a listing after the last revoke).</summary>
    public bool GrantsRevoked { get; init; }

    /// <summary>A deactivate call was made and its answer is not recorded.</summary>
    public bool Deactivating { get; init; }

    /// <summary>The client is deactivated.</summary>
    public bool Deactivated { get; init; }

    /// <summary>The steps not done, in order.</summary>
    public IReadOnlyList<string> Remaining(bool deactivate) =>
    [
        .. Secret is null ? [QuarantineSteps.RotateSecret] : Array.Empty<string>(),
        .. GrantsRevoked ? Array.Empty<string>() : [QuarantineSteps.RevokeGrants],
        .. deactivate && !Deactivated ? [QuarantineSteps.DeactivateClient] : Array.Empty<string>(),
    ];

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>
    /// The recorded progress, or a fresh one when none was recorded. A text that cannot be read throws: resuming from
    /// nothing could repeat finished steps.
    /// </summary>
    public static QuarantineProgress Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return new QuarantineProgress();
        }

        try
        {
            return JsonSerializer.Deserialize<QuarantineProgress>(json, JsonOptions)
                ?? throw new InvalidOperationException("The ledger holds an empty quarantine progress.");
        }
        catch (JsonException exception)
        {
            throw new InvalidOperationException("The ledger holds a quarantine progress that cannot be read; not resuming blindly.", exception);
        }
    }
}
