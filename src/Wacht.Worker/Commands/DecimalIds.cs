using System.Globalization;

namespace Wacht.Worker.Commands;

/// <summary>
/// The platform's ids (deployments, clients, grants) are positive 64-bit integers, sent in decimal. Only the canonical
/// spelling is accepted: Wacht parses <c>007</c> as record 7, so a second spelling would reach the same record under
/// another lock key (and the ledger would not know it as the same target).
/// </summary>
internal static class DecimalIds
{
    /// <summary>1 to 19 ASCII digits, no leading zero, at most <see cref="long.MaxValue"/>.</summary>
    public static bool IsCanonical(string? value) =>
        value is { Length: > 0 and <= InputLimits.MaxIdLength }
        && value[0] != '0'
        && value.All(char.IsAsciiDigit)
        && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    /// <summary>
    /// The canonical spelling of a decimal id (<c>007</c> → <c>7</c>); any other value unchanged. Keys (locks,
    /// partitions) use it, so two spellings of one id can never hold two keys.
    /// </summary>
    public static string? Canonical(string? value) =>
        value is { Length: > 0 }
        && value.All(char.IsAsciiDigit)
        && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id.ToString(CultureInfo.InvariantCulture)
            : value;
}
