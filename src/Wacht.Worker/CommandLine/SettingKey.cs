using System.Text;
using System.Text.RegularExpressions;

namespace Wacht.Worker.CommandLine;

/// <summary>Configuration keys as the command line accepts them, and how tokens are shown in its messages.</summary>
internal static partial class SettingKey
{
    /// <summary>Names of letters, digits, '_', '.' or '-', separated by single ':' (<c>Worker:Messaging:Transport</c>).</summary>
    public static bool IsValid(string key) => KeyPattern().IsMatch(key);

    /// <summary>
    /// Whether a setting's value may be a secret (an API key, a password, a key, a connection string), judged by the last
    /// name of its key; such values are never repeated in a message.
    /// </summary>
    public static bool MayHoldSecret(string key)
    {
        var name = key[(key.LastIndexOf(':') + 1)..];
        return name.Contains("key", StringComparison.OrdinalIgnoreCase)
            || name.Contains("password", StringComparison.OrdinalIgnoreCase)
            || name.Contains("secret", StringComparison.OrdinalIgnoreCase)
            || name.Contains("token", StringComparison.OrdinalIgnoreCase)
            || name.Contains("connectionstring", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A token made safe to print on one line: control characters replaced, at most 64 characters.</summary>
    public static string Printable(string token)
    {
        var text = new StringBuilder(Math.Min(token.Length, 65));
        foreach (var c in token.Length > 64 ? token[..64] : token)
        {
            text.Append(char.IsControl(c) ? '?' : c);
        }

        return token.Length > 64 ? text.Append('…').ToString() : text.ToString();
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]+(:[A-Za-z0-9_.\-]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
