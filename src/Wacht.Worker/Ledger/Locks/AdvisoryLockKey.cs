using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Wacht.Worker.Ledger;

/// <summary>Maps a lock name to a PostgreSQL advisory-lock key: the first 8 bytes (big-endian) of SHA-256 of <c>wacht-worker:</c> + name.</summary>
internal static class AdvisoryLockKey
{
    internal const string Namespace = "wacht-worker:";

    internal static long For(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(Namespace + name));
        return BinaryPrimitives.ReadInt64BigEndian(hash);
    }
}
