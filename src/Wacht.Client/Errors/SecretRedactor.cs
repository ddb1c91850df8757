using System.Text.RegularExpressions;

namespace Wacht.Client;

/// <summary>Removes secrets from text that goes into exception messages (a 4xx body may echo its input).</summary>
internal static partial class SecretRedactor
{
    public const string Marker = "[REDACTED]";

    public static string Redact(string text, string? apiKey)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        if (!string.IsNullOrEmpty(apiKey))
        {
            text = text.Replace(apiKey, Marker, StringComparison.Ordinal);
        }

        text = WachtSecretPattern().Replace(text, Marker);
        text = JsonClientSecretPattern().Replace(text, "${name}" + Marker + "\"");
        text = FormClientSecretPattern().Replace(text, "${name}" + Marker);
        text = BearerPattern().Replace(text, "${name}" + Marker);
        return text;
    }

    [GeneratedRegex(@"oc_secret_[A-Za-z0-9_\-]+", RegexOptions.CultureInvariant)]
    private static partial Regex WachtSecretPattern();

    [GeneratedRegex("(?<name>\"client_secret\"\\s*:\\s*\")(?:[^\"\\\\]|\\\\.)*\"", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex JsonClientSecretPattern();

    [GeneratedRegex(@"(?<name>client_secret=)[^&\s""]+", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex FormClientSecretPattern();

    [GeneratedRegex(@"(?<name>Bearer\s+)[A-Za-z0-9\-._~+/]+=*", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex BearerPattern();
}
