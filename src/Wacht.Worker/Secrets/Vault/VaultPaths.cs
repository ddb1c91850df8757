namespace Wacht.Worker.Secrets.Vault;

/// <summary>
/// What a Vault path may contain here: segments of <c>A-Z a-z 0-9 . _ -</c>, not empty, no <c>..</c>, not starting
/// with a dot, joined by <c>/</c>. Vault itself accepts more, but a value from Wacht must never add a segment, climb
/// out of the mount or reach another endpoint (<c>metadata/</c>, <c>sys/</c>).
/// </summary>
internal static class VaultPaths
{
    public const int MaxSegmentLength = 200;

    public static string NormalizeMount(string? mount) => (mount ?? "").Trim().Trim('/');

    public static string? SegmentProblem(string value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "is empty";
        }

        if (value.Contains("..", StringComparison.Ordinal) || value[0] == '.')
        {
            return "must not contain '..' or start with '.'";
        }

        if (value.Length > MaxSegmentLength)
        {
            return $"is longer than {MaxSegmentLength} characters";
        }

        return value.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            ? null
            : "contains a character outside A-Z a-z 0-9 . _ - (a '/' would change the path)";
    }

    public static string? PathProblem(string path) =>
        path.Split('/').Select(SegmentProblem).FirstOrDefault(p => p is not null);
}
