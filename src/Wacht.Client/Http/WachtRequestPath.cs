using System.Globalization;
using System.Text;

namespace Wacht.Client;

/// <summary>
/// The one place request paths are built: <see cref="WachtClient"/> sends nothing but a <see cref="WachtRequestPath"/>.
/// No argument may change which endpoint a call reaches, so each path argument must survive every hop as exactly one
/// segment with exactly its value, and anything else is refused with <see cref="WachtArgumentException"/> before any
/// I/O. <see cref="Uri.EscapeDataString(string)"/> alone is not enough: it leaves <c>.</c> and <c>..</c> as they are, which
/// <see cref="Uri"/> (and every server) then removes as dot segments, and a value that is already percent-encoded is
/// carried verbatim only to a server that decodes exactly once.
/// </summary>
/// <remarks>
/// A path argument (slug, scope, signing-key id) is refused when it is null, empty or blank, is <c>.</c> or <c>..</c>,
/// or contains: a character outside printable ASCII (controls, space and other whitespace, DEL, anything non-ASCII:
/// every path argument of the contract is ASCII, and non-ASCII invites normalisation, e.g. U+FF0F FULLWIDTH SOLIDUS
/// to <c>/</c>), <c>/</c> or <c>\</c> (separators; .NET and many servers turn <c>\</c> into <c>/</c>), <c>?</c> or
/// <c>#</c> (end the path), or a <c>%</c> followed by two hex digits (a decoding proxy or framework would turn it into
/// another character, e.g. <c>%2F</c> into <c>/</c>). A record id must be a canonical positive decimal 64-bit integer
/// (no sign, no leading zero, at most <see cref="long.MaxValue"/>): a second spelling of one id (<c>007</c>) would
/// name the same record under another key. As a last line of defence, <see cref="ToUri"/> compares the built
/// <see cref="Uri"/>'s path with the intended one and refuses any difference.
/// </remarks>
internal sealed class WachtRequestPath
{
    private readonly string _deploymentId;
    private readonly List<string> _segments = [];
    private readonly List<string> _arguments = [];

    private WachtRequestPath(WachtOperation operation, string deploymentId)
    {
        Operation = operation;
        _deploymentId = deploymentId;
    }

    public WachtOperation Operation { get; }

    /// <summary>The escaped segments after the client's root (<c>/oauth/apps</c> or <c>/deployments/{id}/oauth/apps</c>).</summary>
    public IReadOnlyList<string> Segments => _segments;

    public static WachtRequestPath For(WachtOperation operation, string deploymentId) => new(operation, deploymentId);

    /// <summary>A fixed segment of the contract (<c>clients</c>, <c>rotate-secret</c>): unreserved characters only.</summary>
    public WachtRequestPath Literal(string segment)
    {
        if (segment.Length == 0 || !segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new InvalidOperationException($"'{segment}' is not a literal path segment.");
        }

        _segments.Add(segment);
        return this;
    }

    /// <summary>A path argument: one segment carrying <paramref name="value"/> exactly, or <see cref="WachtArgumentException"/>.</summary>
    public WachtRequestPath Argument(string? value, string paramName)
    {
        Check(value, paramName, SegmentProblem(value));
        _segments.Add(Uri.EscapeDataString(value!));
        _arguments.Add(paramName);
        return this;
    }

    /// <summary>A record id (<c>{oauth_client_id}</c>, <c>{grant_id}</c>): a canonical decimal, or <see cref="WachtArgumentException"/>.</summary>
    public WachtRequestPath RecordId(string? value, string paramName)
    {
        var problem = RecordIdProblem(value);
        if (problem is not null && paramName == "oauthClientId" && value is { Length: > 0 } && !value.All(char.IsAsciiDigit))
        {
            problem += " (the client's 'id', not its public 'client_id')";
        }

        Check(value, paramName, problem);
        _segments.Add(value!);
        _arguments.Add(paramName);
        return this;
    }

    /// <summary>
    /// Checks a value that is sent elsewhere (e.g. createOAuthApp's <c>slug</c> form field) but names a path argument
    /// of later calls: an app that could never be addressed must not be created.
    /// </summary>
    public void CheckSegment(string? value, string paramName) => Check(value, paramName, SegmentProblem(value));

    /// <summary>
    /// The request's absolute URI: <paramref name="root"/> (scheme, authority, base path and the style's prefix, as
    /// escaped segments) plus <see cref="Segments"/>. Refuses to return a URI whose path, query or fragment differ
    /// from what was intended, whatever the reason (defence in depth: the checks above should make it impossible).
    /// </summary>
    public Uri ToUri(WachtRequestRoot root)
    {
        var path = new StringBuilder(root.Path);
        foreach (var segment in _segments)
        {
            path.Append('/').Append(segment);
        }

        var intended = path.ToString();
        var uri = new Uri(root.Origin + intended, UriKind.Absolute);
        if (!string.Equals(uri.AbsolutePath, intended, StringComparison.Ordinal) || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new WachtArgumentException(
                Operation.Name,
                _deploymentId,
                _arguments.Count == 0 ? "path" : string.Join(", ", _arguments),
                $"would not reach the intended path: the request would go to '{Shorten(uri.PathAndQuery + uri.Fragment)}' instead of '{Shorten(intended)}'",
                value: null);
        }

        return uri;
    }

    /// <summary>Why <paramref name="value"/> cannot be a path segment, or null when it can.</summary>
    internal static string? SegmentProblem(string? value)
    {
        if (value is null)
        {
            return "is required";
        }

        if (value.Length == 0)
        {
            return "is empty";
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            return "is blank";
        }

        if (value is "." or "..")
        {
            return $"is the dot segment '{value}', which would change the request's path";
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '/' or '\\':
                    return $"contains '{c}', a path separator";
                case '?' or '#':
                    return $"contains '{c}', which would end the path";
                case '%' when i + 2 < value.Length && char.IsAsciiHexDigit(value[i + 1]) && char.IsAsciiHexDigit(value[i + 2]):
                    return $"contains the percent-encoded sequence '{value.Substring(i, 3)}', which a decoding hop would turn into another character";
                case ' ':
                    return "contains a space";
                case < ' ' or '\x7f':
                    return $"contains the control character U+{(int)c:X4}";
                case > '~':
                    return $"contains the non-ASCII character U+{(int)c:X4}; path arguments are printable ASCII";
                default:
                    break;
            }
        }

        return null;
    }

    /// <summary>Why <paramref name="value"/> is not a canonical record id, or null when it is.</summary>
    internal static string? RecordIdProblem(string? value)
    {
        if (value is null)
        {
            return "is required";
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            return value.Length == 0 ? "is empty" : "is blank";
        }

        var canonical = value.Length <= 19
            && value.All(char.IsAsciiDigit)
            && value[0] != '0'
            && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _);
        return canonical
            ? null
            : "is not a record id: expected a positive decimal 64-bit integer without sign or leading zeros (at most 9223372036854775807)";
    }

    private void Check(string? value, string paramName, string? problem)
    {
        if (problem is not null)
        {
            throw new WachtArgumentException(Operation.Name, _deploymentId, paramName, problem, value);
        }
    }

    private static string Shorten(string value) => value.Length <= 120 ? value : value[..120] + $"…[truncated, {value.Length} chars]";
}
