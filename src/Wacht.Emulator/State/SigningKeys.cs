using System.Security.Cryptography;

namespace Wacht.Emulator;

/// <summary>Real signing key pairs (only the public half is kept), generated lazily per app.</summary>
internal static class SigningKeys
{
    public const string Rs256 = "RS256";
    public const string Es256 = "ES256";

    public static SigningKeyRecord Create(string algorithm, DateTimeOffset now, string status = "active", string? kid = null)
    {
        return new SigningKeyRecord
        {
            Kid = kid ?? NewKid(),
            Algorithm = algorithm,
            Status = status,
            PublicKeyPem = NewPublicKeyPem(algorithm),
            CreatedAt = now,
        };
    }

    public static string NewKid() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string NewPublicKeyPem(string algorithm)
    {
        if (string.Equals(algorithm, Es256, StringComparison.Ordinal))
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return ecdsa.ExportSubjectPublicKeyInfoPem();
        }

        using var rsa = RSA.Create(2048);
        return rsa.ExportSubjectPublicKeyInfoPem();
    }

    public static bool IsSupported(string algorithm) => algorithm is Rs256 or Es256;
}
