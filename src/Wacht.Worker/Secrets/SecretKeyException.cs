namespace Wacht.Worker.Secrets;

/// <summary>
/// The target's secret cannot be stored at this destination under this key template: a value the destination cannot
/// carry verbatim (a <c>/</c> in a file name, <c>..</c>, characters a Kubernetes name forbids…). Thrown by
/// <see cref="ISecretDestination.KeyFor"/> before anything is called; the message names the problem and is safe to
/// publish (it carries ids and slugs, never a secret).
/// </summary>
public sealed class SecretKeyException(string message, string? paramName = null) : ArgumentException(message, paramName)
{
    /// <summary>Text safe to show in a message: control characters escaped, at most 80 characters.</summary>
    public static string Printable(string? value)
    {
        if (value is null)
        {
            return "";
        }

        var text = string.Concat(value.Take(80).Select(static c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        return value.Length > 80 ? text + "…" : text;
    }
}
