using System.Security.Cryptography;

namespace Wacht.Emulator;

/// <summary>The platform's fqdn rules for OAuth apps.</summary>
internal static class FqdnRules
{
    /// <summary>
    /// Production deployments need an fqdn (validated, lower-cased); other modes get a generated
    /// <c>&lt;16-char label&gt;.o.feapis.xyz</c> and ignore the given one, as the platform does.
    /// </summary>
    public static string Build(string mode, string? fqdn)
    {
        if (string.Equals(mode, "production", StringComparison.Ordinal))
        {
            var value = fqdn?.Trim() ?? "";
            return value.Length == 0
                ? throw EmulatorApiException.BadRequest("fqdn is required for production")
                : Validate(value);
        }

        return $"{RandomLabel()}.o.feapis.xyz";
    }

    public static string Validate(string fqdn)
    {
        var value = fqdn.Trim();
        if (value.Length is 0 or > 253)
        {
            throw EmulatorApiException.BadRequest("fqdn must be between 1 and 253 characters");
        }

        if (value.StartsWith('.') || value.EndsWith('.'))
        {
            throw EmulatorApiException.BadRequest("fqdn cannot start or end with '.'");
        }

        if (!value.Contains('.', StringComparison.Ordinal))
        {
            throw EmulatorApiException.BadRequest("fqdn must be a full domain name");
        }

        foreach (var label in value.Split('.'))
        {
            if (label.Length is 0 or > 63)
            {
                throw EmulatorApiException.BadRequest("fqdn must be between 1 and 63 characters");
            }

            if (label.StartsWith('-') || label.EndsWith('-'))
            {
                throw EmulatorApiException.BadRequest("fqdn cannot start or end with '-'");
            }

            if (!label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                throw EmulatorApiException.BadRequest("fqdn must contain only letters, numbers, or '-'");
            }
        }

        return value.ToLowerInvariant();
    }

    /// <summary>A 16-character DNS label like the platform's nanoid generator makes.</summary>
    public static string RandomLabel()
    {
        const string Edge = "abcdefghijklmnopqrstuvwxyz0123456789";
        const string Middle = Edge + "-";
        var chars = new char[16];
        chars[0] = Edge[RandomNumberGenerator.GetInt32(Edge.Length)];
        for (var i = 1; i < 15; i++)
        {
            chars[i] = Middle[RandomNumberGenerator.GetInt32(Middle.Length)];
        }

        chars[15] = Edge[RandomNumberGenerator.GetInt32(Edge.Length)];
        return new string(chars);
    }
}
