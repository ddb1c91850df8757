using System.Security.Cryptography;
using System.Text;

namespace Wacht.Worker.Ledger;

/// <summary>
/// Encrypts pending secrets for the ledger with AES-256-GCM. A blob is
/// <c>version (1 byte) ‖ nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)</c>; the associated data contains the command
/// id, so a blob copied to another command's row fails to decrypt.
/// </summary>
public sealed class SecretProtector
{
    /// <summary>The current blob format.</summary>
    public const byte FormatVersion = 1;

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 1 + NonceSize;
    private static readonly byte[] AssociatedDataPrefix = "wacht-worker:pending-secret:v1:"u8.ToArray();

    private readonly byte[]? _key;
    private readonly string? _unavailableReason;

    /// <summary>Creates a protector with a 32-byte AES-256 key (the array is copied).</summary>
    public SecretProtector(ReadOnlySpan<byte> key)
    {
        if (key.Length != LedgerKeyMaterial.KeySize)
        {
            throw new ArgumentException($"The encryption key must be {LedgerKeyMaterial.KeySize} bytes (AES-256).", nameof(key));
        }

        _key = key.ToArray();
    }

    private SecretProtector(string unavailableReason)
    {
        _unavailableReason = unavailableReason;
    }

    /// <summary>Whether a key is configured; without one, <see cref="Protect"/> and <see cref="Unprotect"/> throw.</summary>
    public bool IsAvailable => _key is not null;

    /// <summary>
    /// The protector for the configured key, or — when no key is configured (rotation disabled) — one that throws a
    /// <see cref="SecretProtectionException"/> naming the setting on use.
    /// </summary>
    public static SecretProtector FromOptions(LedgerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!LedgerKeyMaterial.IsConfigured(options))
        {
            return new SecretProtector($"No ledger encryption key is configured: set {LedgerKeyMaterial.KeySettings}; {LedgerKeyMaterial.GenerateHint}.");
        }

        if (!LedgerKeyMaterial.TryResolve(options, out var key, out var error))
        {
            throw new SecretProtectionException(error!);
        }

        try
        {
            return new SecretProtector(key);
        }
        finally
        {
            Array.Clear(key!);
        }
    }

    /// <summary>Encrypts <paramref name="plaintext"/> for the row of <paramref name="commandId"/>.</summary>
    public byte[] Protect(string plaintext, Guid commandId)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var key = RequireKey();
        var plainBytes = Encoding.UTF8.GetBytes(plaintext);
        try
        {
            var blob = new byte[HeaderSize + plainBytes.Length + TagSize];
            blob[0] = FormatVersion;
            var nonce = blob.AsSpan(1, NonceSize);
            RandomNumberGenerator.Fill(nonce);
            using var aes = new AesGcm(key, TagSize);
            aes.Encrypt(
                nonce,
                plainBytes,
                blob.AsSpan(HeaderSize, plainBytes.Length),
                blob.AsSpan(HeaderSize + plainBytes.Length, TagSize),
                AssociatedData(commandId));
            return blob;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plainBytes);
        }
    }

    /// <summary>Decrypts a blob made by <see cref="Protect"/> for the same command id.</summary>
    /// <exception cref="SecretProtectionException">The blob is malformed, tampered with, belongs to another command or was encrypted with another key.</exception>
    public string Unprotect(byte[] blob, Guid commandId)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var key = RequireKey();
        if (blob.Length < HeaderSize + TagSize)
        {
            throw new SecretProtectionException($"The pending secret of command {commandId} is not a valid encrypted blob (too short).");
        }

        if (blob[0] != FormatVersion)
        {
            throw new SecretProtectionException($"The pending secret of command {commandId} has unknown format version {blob[0]}.");
        }

        var cipherLength = blob.Length - HeaderSize - TagSize;
        var plainBytes = new byte[cipherLength];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(
                blob.AsSpan(1, NonceSize),
                blob.AsSpan(HeaderSize, cipherLength),
                blob.AsSpan(HeaderSize + cipherLength, TagSize),
                plainBytes,
                AssociatedData(commandId));
            return Encoding.UTF8.GetString(plainBytes);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new SecretProtectionException(
                $"The pending secret of command {commandId} cannot be decrypted: the encryption key differs from the one it was stored with, "
                + "or the stored blob was altered or belongs to another command.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plainBytes);
        }
    }

    private byte[] RequireKey() => _key ?? throw new SecretProtectionException(_unavailableReason!);

    private static byte[] AssociatedData(Guid commandId)
    {
        var data = new byte[AssociatedDataPrefix.Length + 16];
        AssociatedDataPrefix.CopyTo(data, 0);
        commandId.TryWriteBytes(data.AsSpan(AssociatedDataPrefix.Length), bigEndian: true, out _);
        return data;
    }
}
