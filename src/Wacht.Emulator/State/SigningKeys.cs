using System.Security.Cryptography;

namespace Wacht.Emulator;

/// <summary>Real signing key pairs (only the public half is kept), generated lazily per app.</summary>
internal static class SigningKeys
{
    public const string Rs256 = "RS256";
    public const string Es256 = "ES256";

    /// <summary>Signs new tokens; at most one per app.</summary>
    public const string Active = "active";

    /// <summary>Replaced by a rotation; still published so that tokens it signed keep verifying.</summary>
    public const string Retired = "retired";

    /// <summary>Marked compromised; no longer published or listed.</summary>
    public const string Compromised = "compromised";

    public static IReadOnlyList<string> Statuses { get; } = [Active, Retired, Compromised];

    /// <summary>Active and retired keys are published (JWKS) and listed; compromised keys are not.</summary>
    public static bool IsPublished(SigningKeyRecord key) => key.Status is Active or Retired;

    public static SigningKeyRecord Create(string algorithm, DateTimeOffset now, string kid) => new()
    {
        Kid = kid,
        Algorithm = algorithm,
        Status = Active,
        PublicKeyPem = NewPublicKeyPem(algorithm),
        CreatedAt = now,
    };

    /// <summary>The app's keys, creating its first active key on first use (call under the deployment's lock).</summary>
    public static List<SigningKeyRecord> Ensure(AppRecord app, StateData data, string algorithm) =>
        app.SigningKeys ??= [Create(algorithm, app.CreatedAt, PlatformKid(app.Id, data.Ids.Next()))];

    /// <summary>The platform's kid format: <c>oas-{oauth_app_id}-{key id}</c>.</summary>
    public static string PlatformKid(long appId, long keyId) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"oas-{appId}-{keyId}");

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
