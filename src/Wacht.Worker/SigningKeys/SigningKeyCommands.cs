using Wacht.Client;
using Wacht.Worker.Commands;

namespace Wacht.Worker.SigningKeys;

/// <summary>What the two signing-key commands share: their target and lock, the <c>kid</c> rule, reading the keys.</summary>
internal static class SigningKeyCommands
{
    /// <summary>The longest <c>kid</c> a command may name (the platform's are <c>oas-{app id}-{key id}</c>, under 50).</summary>
    public const int MaxKidLength = 128;

    /// <summary>The status of a key that signs new tokens.</summary>
    public const string Active = "active";

    /// <summary>The status of a key marked compromised (the platform stops listing it).</summary>
    public const string Compromised = "compromised";

    /// <summary>
    /// A command on an app's signing keys: no client target (the authorisation policy then needs a grant covering the
    /// whole app), and a lock key of its own per app, <c>signing-keys/{deployment}/{slug}</c>. Not
    /// <see cref="LockKeys.App"/>: scope sync and signing keys touch different resources, and an incident's
    /// CompromiseSigningKey must not wait behind a long scope sync of the same app. The prefix differs from every key
    /// of <see cref="LockKeys"/> (<c>client/</c>, <c>app/</c>), so no two key spaces can meet.
    /// </summary>
    public static CommandTarget Target(string? deploymentId, string? appSlug) =>
        new(null, $"signing-keys/{DecimalIds.Canonical(deploymentId)}/{appSlug}");

    /// <summary>
    /// A <c>kid</c> as a command may name it: 1 to <see cref="MaxKidLength"/> of the URI's unreserved characters
    /// (<c>A-Z a-z 0-9 - . _ ~</c>), not <c>.</c> or <c>..</c>. The contract does not restrict kids; these need no
    /// escaping in the compromise URL's path segment and cover the platform's format.
    /// </summary>
    public static void ValidateKid(CommandFields fields, string field, string? kid)
    {
        if (string.IsNullOrWhiteSpace(kid))
        {
            fields.Add(field, "is missing");
        }
        else if (kid.Length > MaxKidLength || kid is "." or ".." || !kid.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~'))
        {
            fields.Add(field, $"must be a key id of 1 to {MaxKidLength} characters A-Z a-z 0-9 - . _ ~ (not . or ..), got '{Excerpt.Quote(kid)}'");
        }
    }

    /// <summary>The app's active key as listed, or null. The platform keeps at most one; with several, the first listed (the newest).</summary>
    public static SigningKey? ActiveKey(IReadOnlyList<SigningKey> keys) =>
        keys.FirstOrDefault(static k => string.Equals(k.Status, Active, StringComparison.Ordinal));

    /// <summary>The listed keys in words, for a failure message: <c>oas-1-3 (active), oas-1-2 (retired)</c>, or <c>none</c>.</summary>
    public static string Describe(IReadOnlyList<SigningKey> keys) =>
        keys.Count == 0 ? "none" : string.Join(", ", keys.Take(10).Select(static k => $"{k.Kid} ({k.Status})")) + (keys.Count > 10 ? $" and {keys.Count - 10} more" : "");
}
