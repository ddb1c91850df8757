using System.Security.Cryptography;
using System.Text;
using Wacht.Worker.Ledger;

namespace Wacht.Worker.Tests.Ledger;

public sealed class SecretProtectorTests
{
    private const string Secret = "oc_secret_dGhpcyBpcyBhIHRlc3Qgc2VjcmV0IHZhbHVl";
    private static readonly Guid CommandId = Guid.Parse("6f1c2a8e-4f4b-4d8a-9a51-0c3f5c7e9b21");

    private readonly SecretProtector _protector = new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Protect_ThenUnprotect_ReturnsTheSecret()
    {
        var blob = _protector.Protect(Secret, CommandId);

        Assert.Equal(Secret, _protector.Unprotect(blob, CommandId));
    }

    [Fact]
    public void Protect_ProducesVersionNonceCiphertextAndTag()
    {
        var blob = _protector.Protect(Secret, CommandId);

        Assert.Equal(SecretProtector.FormatVersion, blob[0]);
        Assert.Equal(1 + 12 + Encoding.UTF8.GetByteCount(Secret) + 16, blob.Length);
    }

    [Fact]
    public void Protect_UsesAFreshNonceEveryTime()
    {
        var first = _protector.Protect(Secret, CommandId);
        var second = _protector.Protect(Secret, CommandId);

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Protect_BlobDoesNotContainThePlaintext()
    {
        var blob = _protector.Protect(Secret, CommandId);

        Assert.DoesNotContain(Secret, Encoding.Latin1.GetString(blob), StringComparison.Ordinal);
        Assert.DoesNotContain("oc_secret_", Encoding.Latin1.GetString(blob), StringComparison.Ordinal);
    }

    [Fact]
    public void Unprotect_WithAnotherKey_FailsWithAClearMessage()
    {
        var blob = _protector.Protect(Secret, CommandId);
        var other = new SecretProtector(RandomNumberGenerator.GetBytes(32));

        var ex = Assert.Throws<SecretProtectionException>(() => other.Unprotect(blob, CommandId));

        Assert.Contains("encryption key", ex.Message, StringComparison.Ordinal);
        Assert.Contains(CommandId.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(20)]
    [InlineData(-1)]
    public void Unprotect_TamperedBlob_Fails(int index)
    {
        var blob = _protector.Protect(Secret, CommandId);
        blob[index < 0 ? blob.Length - 1 : index] ^= 0x01;

        Assert.Throws<SecretProtectionException>(() => _protector.Unprotect(blob, CommandId));
    }

    [Fact]
    public void Unprotect_TruncatedBlob_Fails()
    {
        var blob = _protector.Protect(Secret, CommandId);

        Assert.Throws<SecretProtectionException>(() => _protector.Unprotect(blob[..20], CommandId));
    }

    [Fact]
    public void Unprotect_ForAnotherCommand_Fails()
    {
        var blob = _protector.Protect(Secret, CommandId);

        Assert.Throws<SecretProtectionException>(() => _protector.Unprotect(blob, Guid.NewGuid()));
    }

    [Fact]
    public void Constructor_RejectsAKeyThatIsNot32Bytes()
    {
        Assert.Throws<ArgumentException>(() => new SecretProtector(new byte[16]));
    }

    [Fact]
    public void FromOptions_WithoutKey_ThrowsOnUseNamingTheSetting()
    {
        var protector = SecretProtector.FromOptions(new LedgerOptions());

        Assert.False(protector.IsAvailable);
        var ex = Assert.Throws<SecretProtectionException>(() => protector.Protect(Secret, CommandId));
        Assert.Contains("Worker:Ledger:EncryptionKey", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromOptions_WithKey_RoundTripsWithAnotherProtectorOfTheSameKey()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var first = SecretProtector.FromOptions(new LedgerOptions { EncryptionKey = key });
        var second = SecretProtector.FromOptions(new LedgerOptions { EncryptionKey = key });

        Assert.Equal(Secret, second.Unprotect(first.Protect(Secret, CommandId), CommandId));
    }
}
