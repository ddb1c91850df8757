using System.Collections;
using System.Text;

namespace Wacht.Worker.Commands;

/// <summary>
/// The log scope of one command: structured fields for JSON logs (<c>CommandId</c>, <c>Kind</c>, <c>DeploymentId</c>,
/// <c>AppSlug</c>, <c>OAuthClientId</c>, <c>MessageId</c>), and a readable <c>Key=Value</c> line for the simple console
/// formatter, which prints a scope's <see cref="ToString"/> (a dictionary printed as its type name). Values from the
/// message are escaped (<see cref="LogValue"/>).
/// </summary>
internal sealed class CommandLogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?>[] _fields;

    public CommandLogScope(Guid commandId, string kind, string? deploymentId, string? appSlug, string? oauthClientId, Guid? messageId)
    {
        _fields =
        [
            new("CommandId", commandId),
            new("Kind", kind),
            new("DeploymentId", LogValue.Safe(deploymentId)),
            new("AppSlug", LogValue.Safe(appSlug)),
            new("OAuthClientId", LogValue.Safe(oauthClientId)),
            new("MessageId", messageId),
        ];
    }

    public int Count => _fields.Length;

    public KeyValuePair<string, object?> this[int index] => _fields[index];

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
