using System.Text;

namespace Wacht.Worker.Commands;

/// <summary>
/// Makes a value that came from a message safe to write to a log: control characters (ESC sequences that clear the
/// screen or recolour it, CR that overwrites a line, LF that forges a new one) are written as <c>\uXXXX</c>, and long
/// values are cut to a marked excerpt. Every value a command carries goes through this before it is logged.
/// </summary>
internal static class LogValue
{
    /// <summary>The most characters of one field value a log line shows.</summary>
    public const int MaxLength = 200;

    /// <summary>The most characters of a whole sentence (a failure message quoting several fields) a log line shows.</summary>
    public const int MaxMessageLength = 2000;

    public static string? Safe(string? value, int maxLength = MaxLength)
    {
        if (value is null)
        {
            return null;
        }

        var shown = value.Length > maxLength ? value.AsSpan(0, maxLength) : value.AsSpan();
        if (!NeedsEscaping(shown) && shown.Length == value.Length)
        {
            return value;
        }

        var builder = new StringBuilder(shown.Length + 32);
        foreach (var c in shown)
        {
            if (IsUnsafe(c))
            {
                builder.Append(@"\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        if (shown.Length < value.Length)
        {
            builder.Append("…[").Append(value.Length).Append(" chars]");
        }

        return builder.ToString();
    }

    private static bool NeedsEscaping(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (IsUnsafe(c))
            {
                return true;
            }
        }

        return false;
    }

    // C0 and C1 controls, DEL, and the Unicode line/paragraph separators and bidi overrides that can disguise text.
    private static bool IsUnsafe(char c) =>
        char.IsControl(c) || c is '\u2028' or '\u2029' || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
}
