using System.Text.Json;

namespace Wacht.Worker.SigningKeys;

/// <summary>
/// What a signing-key command records in the ledger before its call (<see cref="Ledger.ICommandLedger.RecordIntentAsync"/>),
/// so that a redelivery after a crash or a lost answer can tell from the keys alone whether the call took effect.
/// </summary>
/// <param name="Kid">Compromise: the key to compromise. Rotation: null.</param>
/// <param name="Status">Compromise: the key's status when the call was made (<c>active</c> or <c>retired</c>). Rotation: null.</param>
/// <param name="ActiveKid">The app's active key when the call was made (null when none was listed).</param>
/// <param name="At">When the intent was recorded: whatever the call created, it created after this.</param>
internal sealed record SigningKeyIntent(string? Kid, string? Status, string? ActiveKid, DateTimeOffset At)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>
    /// The recorded intent, or null when none was recorded. A text that is not one throws: treating it as "no call was
    /// made" could repeat a call that took effect.
    /// </summary>
    public static SigningKeyIntent? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<SigningKeyIntent>(json, JsonOptions)
                ?? throw new InvalidOperationException("The ledger holds an empty signing-key intent.");
        }
        catch (JsonException exception)
        {
            throw new InvalidOperationException("The ledger holds a signing-key intent that cannot be read; not calling Wacht again blindly.", exception);
        }
    }
}
