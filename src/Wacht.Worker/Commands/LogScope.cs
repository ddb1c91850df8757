using System.Collections;
using System.Text;

namespace Wacht.Worker.Commands;

/// <summary>
/// A log scope that reads well everywhere: structured fields for JSON logs and OpenTelemetry, and a readable
/// <c>Key=Value</c> line for the simple console formatter, which prints a scope's <see cref="ToString"/> (a dictionary
/// would print as its type name). String values are escaped (<see cref="LogValue"/>): they may come from a message.
/// </summary>
internal sealed class LogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?>[] _fields;

    public LogScope(params (string Key, object? Value)[] fields)
    {
        _fields = [.. fields.Select(f => new KeyValuePair<string, object?>(f.Key, f.Value is string text ? LogValue.Safe(text) : f.Value))];
    }

    public int Count => _fields.Length;

    public KeyValuePair<string, object?> this[int index] => _fields[index];

    /// <summary>The scope of one command: every line logged while it runs carries these fields.</summary>
    public static LogScope ForCommand(Guid commandId, string kind, string? deploymentId, string? appSlug, string? oauthClientId, Guid? messageId) =>
        new(("CommandId", commandId), ("Kind", kind), ("DeploymentId", deploymentId), ("AppSlug", appSlug), ("OAuthClientId", oauthClientId), ("MessageId", messageId));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_fields).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString()
    {
        var builder = new StringBuilder();
        foreach (var (key, value) in _fields)
        {
            if (value is null || value is string { Length: 0 })
            {
                continue;
            }

            if (builder.Length > 0)
            {
                builder.Append(' ');
            }

            builder.Append(key).Append('=').Append(value);
        }

        return builder.ToString();
    }
}
