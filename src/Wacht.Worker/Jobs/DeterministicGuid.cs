using System.Security.Cryptography;
using System.Text;

namespace Wacht.Worker.Jobs;

/// <summary>
/// Name-based ids: the same parts always give the same id (RFC 9562 version 8 layout over SHA-256), so a job that runs
/// twice for the same target and window sends the same command id and the ledger executes it once.
/// </summary>
public static class DeterministicGuid
{
    /// <summary>An id from <paramref name="parts"/> (joined with a separator no part can contain ambiguously).</summary>
    public static Guid Create(params string[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var text = string.Join('\u001f', parts);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }
}
