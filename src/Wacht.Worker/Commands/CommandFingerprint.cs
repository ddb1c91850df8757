using System.Security.Cryptography;
using System.Text.Json;

namespace Wacht.Worker.Commands;

/// <summary>
/// A hash of what a command does (its kind and meaningful fields), stored with its ledger entry. The same command id
/// with another fingerprint is another command, not a duplicate: answering it with the first command's outcome would
/// report work that was never done (e.g. a revocation of a grant that is still active).
/// </summary>
internal static class CommandFingerprint
{
    /// <summary>SHA-256 (hex) of the kind and fields as a JSON array: unambiguous whatever the fields contain.</summary>
    public static string Of(string kind, IEnumerable<string?> fields) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(fields.Prepend(kind).ToArray())));

    /// <summary>A structured field (a list of scopes, say) as JSON, for <see cref="Of"/>.</summary>
    public static string Json<T>(T value) => JsonSerializer.Serialize(value);
}
