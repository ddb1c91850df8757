namespace Wacht.Client;

/// <summary>
/// An argument of a Wacht call cannot be sent as given, so the call was refused before any I/O: no request left the
/// process. Raised for a path argument (app slug, scope, signing-key id) that is missing or blank, is a dot segment
/// (<c>.</c> or <c>..</c>), or holds a character that a URL path segment cannot carry verbatim through every hop
/// (<c>/</c>, <c>\</c>, <c>?</c>, <c>#</c>, a <c>%XX</c> sequence, whitespace, control or non-ASCII characters), and
/// for a record id that is not a canonical positive decimal 64-bit integer. Such an argument could otherwise make the
/// request reach another endpoint than the one called.
/// </summary>
/// <remarks>
/// An <see cref="ArgumentException"/> (not a <see cref="WachtException"/>): it is the caller's mistake, found before
/// any call, never transient, and says nothing about Wacht. <see cref="ArgumentException.ParamName"/> names the
/// argument (<c>request.Slug</c> for a property of a request object). The message quotes at most a short, escaped
/// excerpt of the value.
/// </remarks>
public sealed class WachtArgumentException : ArgumentException
{
    private const int QuotedLength = 40;

    public WachtArgumentException(string operation, string deploymentId, string paramName, string problem, string? value)
        : base($"Wacht {operation} for deployment {deploymentId} was not sent: {paramName} {problem}{Quote(value)}.", paramName)
    {
        Operation = operation ?? "";
        DeploymentId = deploymentId ?? "";
        Problem = problem ?? "";
    }

    /// <summary>The operation that was refused, named as the SDK method (e.g. <c>updateOAuthScope</c>).</summary>
    public string Operation { get; }

    /// <summary>The deployment the call was meant for.</summary>
    public string DeploymentId { get; }

    /// <summary>What is wrong with the argument, in words (e.g. <c>is a dot segment ('..')</c>).</summary>
    public string Problem { get; }

    private static string Quote(string? value)
    {
        if (value is null)
        {
            return "";
        }

        var builder = new System.Text.StringBuilder(" (got '");
        var shown = Math.Min(value.Length, QuotedLength);
        for (var i = 0; i < shown; i++)
        {
            var c = value[i];
            if (c is >= ' ' and <= '~' and not '\'')
            {
                builder.Append(c);
            }
            else
            {
                // Escaped, so a control character in the value cannot forge a log line or a terminal.
                builder.Append($"\\u{(int)c:X4}");
            }
        }

        builder.Append('\'');
        if (value.Length > QuotedLength)
        {
            builder.Append($"…[truncated, {value.Length} chars]");
        }

        return builder.Append(')').ToString();
    }
}
