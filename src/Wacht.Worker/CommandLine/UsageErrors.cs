using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Wacht.Worker.CommandLine;

/// <summary>
/// Turns a parse result's errors into one line naming each unknown token's nearest valid name. System.CommandLine's own
/// error output is several lines followed by the whole help text, and its typo suggestions are not reusable on their
/// own, so the line is composed here.
/// </summary>
internal static partial class UsageErrors
{
    /// <summary>The usage error, or null when the command line is valid.</summary>
    public static string? Describe(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var command = parse.CommandResult.Command;
        var root = parse.RootCommandResult.Command;
        var unmatched = parse.UnmatchedTokens;
        var messages = unmatched.Select(token => DescribeToken(token, command, root)).ToList();

        // The parser silently drops a leading [directive] it does not know (and the root accepts none): refuse it instead.
        if (parse.Tokens.Any(static t => t.Type == TokenType.Directive))
        {
            messages.Add("directives ([...] before the command) are not accepted");
        }

        // Unknown tokens are also reported by the parser ("Unrecognized command or argument"); they are described above.
        messages.AddRange(parse.Errors
            .Where(e => e.SymbolResult is ArgumentResult or OptionResult || !unmatched.Any(t => e.Message.Contains($"'{t}'", StringComparison.Ordinal)))
            .Select(static e => e.Message.TrimEnd('.')));
        if (messages.Count == 0)
        {
            return null;
        }

        var line = string.Join("; ", messages.Distinct(StringComparer.Ordinal));
        return line + (line.EndsWith('?') ? "" : ".") + $" Run '{Path(command)} --help' for usage.";
    }

    private static string DescribeToken(string token, Command command, Command root)
    {
        if (token.StartsWith('-'))
        {
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? token : token[..equals];
            if (token.StartsWith("--", StringComparison.Ordinal) && (name.Contains(':', StringComparison.Ordinal) || equals > 2) && SettingKey.IsValid(name[2..]))
            {
                // The old pass-through form (--Worker:Messaging:Transport=RabbitMq): settings now need --set.
                var key = name[2..];
                var value = equals < 0 ? "<value>" : SettingKey.MayHoldSecret(key) ? "<value>" : SettingKey.Printable(token[(equals + 1)..]);
                return $"unknown option '{SettingKey.Printable(SettingKey.MayHoldSecret(key) ? name : token)}': settings are given as --set {key}={value}";
            }

            var options = ValidOptions(command, root);
            return Nearest(name, options) is { } option
                ? $"unknown option '{SettingKey.Printable(name)}' for '{Path(command)}'; did you mean '{option}'?"
                : $"unknown option '{SettingKey.Printable(name)}' for '{Path(command)}' (its options: {string.Join(", ", options)})";
        }

        // A bare word is shown only when it looks like a word: anything else may be a value meant for an option (a key).
        var shown = Word().IsMatch(token) ? $"'{token}'" : "(not shown)";
        var verbs = command.Subcommands.Where(static c => !c.Hidden).Select(static c => c.Name).ToList();
        if (verbs.Count == 0)
        {
            return $"unexpected argument {shown} for '{Path(command)}'";
        }

        return Nearest(token, verbs) is { } verb
            ? $"unknown command {shown}; did you mean '{verb}'?"
            : $"unknown command {shown} (commands: {string.Join(", ", verbs)})";
    }

    /// <summary>The options a command accepts: its own and the recursive ones of the root (e.g. <c>--set</c>, <c>--help</c>).</summary>
    private static List<string> ValidOptions(Command command, Command root) =>
        command.Options
            .Concat(ReferenceEquals(command, root) ? [] : root.Options.Where(static o => o.Recursive))
            .Where(static o => !o.Hidden)
            .Select(static o => o.Name)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>The candidate closest to <paramref name="token"/> (ignoring leading dashes and case), if close enough.</summary>
    private static string? Nearest(string token, IEnumerable<string> candidates)
    {
        var word = token.TrimStart('-').ToLowerInvariant();
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var name = candidate.TrimStart('-').ToLowerInvariant();
            var distance = Distance(word, name);
            if (distance < bestDistance && distance <= Math.Clamp(name.Length / 3, 1, 3))
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>Edit distance counting an adjacent transposition as one edit (optimal string alignment).</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static string Path(Command command) =>
        command is RootCommand ? "Wacht.Worker" : "Wacht.Worker " + command.Name;

    [GeneratedRegex("^[A-Za-z][A-Za-z-]{0,23}$", RegexOptions.CultureInvariant)]
    private static partial Regex Word();
}
