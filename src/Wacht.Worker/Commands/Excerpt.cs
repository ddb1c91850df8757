using Wacht.Worker.Contracts;

namespace Wacht.Worker.Commands;

/// <summary>
/// Short, marked excerpts of input that came from a message, for echoing it back in failure events, problems and
/// logs without copying it whole: a 1 MB <c>Reason</c> becomes its first <see cref="Length"/> characters and
/// <c>…[truncated, 1048576 chars]</c>.
/// </summary>
internal static class Excerpt
{
    /// <summary>How many characters of an over-long value are kept.</summary>
    public const int Length = 64;

    /// <summary>Field path of the entry that stands for the field errors left out of a list.</summary>
    public const string MoreFieldErrors = "(more)";

    /// <summary><paramref name="value"/> itself when it has at most <paramref name="maxLength"/> characters, else a marked excerpt.</summary>
    public static string? Of(string? value, int maxLength = Length)
    {
        if (value is null || value.Length <= maxLength)
        {
            return value;
        }

        var keep = Math.Min(Length, maxLength);
        if (keep > 0 && char.IsHighSurrogate(value[keep - 1]))
        {
            // Never split a surrogate pair: half a character is not valid UTF-16 and cannot be serialised faithfully.
            keep--;
        }

        return $"{value[..keep]}…[truncated, {value.Length} chars]";
    }

    /// <summary>For echoes into non-nullable fields.</summary>
    public static string OrEmpty(string? value, int maxLength = Length) => Of(value, maxLength) ?? "";

    /// <summary>
    /// A value quoted in a problem text: <c>(null)</c>, or the value (or its excerpt) with control characters escaped
    /// (<see cref="LogValue"/>), since problems end up in the failure message, which is also logged.
    /// </summary>
    public static string Quote(string? value) => value is null ? "(null)" : LogValue.Safe(Of(value))!;

    /// <summary>
    /// At most <see cref="InputLimits.MaxFieldErrors"/> errors, each with an excerpt of its field and problem; more
    /// are summarised in one last entry, <c>(more)</c>: <c>…[truncated, N field errors in all]</c>. A list capped
    /// before is returned as it is.
    /// </summary>
    public static IReadOnlyList<FieldError> FieldErrors(IReadOnlyList<FieldError> errors)
    {
        static FieldError Bound(FieldError e) => new(OrEmpty(e.Field, 256), OrEmpty(e.Problem, 512));

        var alreadyCapped = errors.Count == InputLimits.MaxFieldErrors + 1 && errors[^1].Field == MoreFieldErrors;
        if (errors.Count <= InputLimits.MaxFieldErrors || alreadyCapped)
        {
            return errors.All(e => e.Field.Length <= 256 && e.Problem.Length <= 512) ? errors : [.. errors.Select(Bound)];
        }

        return
        [
            .. errors.Take(InputLimits.MaxFieldErrors).Select(Bound),
            new FieldError(MoreFieldErrors, $"…[truncated, {errors.Count} field errors in all; the first {InputLimits.MaxFieldErrors} are listed]"),
        ];
    }
}
