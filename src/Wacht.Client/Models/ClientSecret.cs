using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Wacht.Client.Serialization;

namespace Wacht.Client;

/// <summary>
/// An OAuth client secret as returned once by create-client and rotate-secret.
/// </summary>
/// <remarks>
/// The value is only available through <see cref="Reveal"/>. <see cref="ToString"/> (and therefore the
/// compiler-generated <c>ToString</c> of every record holding a secret, string interpolation and
/// structured logging) prints a redacted form such as <c>oc_secret_…(redacted)</c>. JSON serialisation
/// writes the real value: serialise a secret only to the store that is meant to keep it.
/// </remarks>
[JsonConverter(typeof(ClientSecretJsonConverter))]
public sealed class ClientSecret : IEquatable<ClientSecret>
{
    /// <summary>The prefix the Wacht platform gives every generated client secret.</summary>
    public const string WachtPrefix = "oc_secret_";

    private readonly string _value;

    public ClientSecret(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        _value = value;
    }

    /// <summary>Returns the secret in clear text. Persist it; never log it.</summary>
    public string Reveal() => _value;

    /// <summary>
    /// A short, non-reversible fingerprint (first 12 hex digits of the SHA-256 of the value) that lets logs and
    /// audit records correlate a secret without disclosing it.
    /// </summary>
    public string Fingerprint
    {
        get
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(_value));
            return Convert.ToHexStringLower(hash.AsSpan(0, 6));
        }
    }

    /// <summary>A redacted representation that never contains the secret.</summary>
    public override string ToString() =>
        _value.StartsWith(WachtPrefix, StringComparison.Ordinal) ? WachtPrefix + "…(redacted)" : "…(redacted)";

    /// <summary>Compares two secrets in constant time.</summary>
    public bool Equals(ClientSecret? other)
    {
        if (other is null)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(_value),
            Encoding.UTF8.GetBytes(other._value));
    }

    public override bool Equals(object? obj) => Equals(obj as ClientSecret);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_value);
}
