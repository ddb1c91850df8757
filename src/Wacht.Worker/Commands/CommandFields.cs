using Wacht.Worker.Contracts;

namespace Wacht.Worker.Commands;

/// <summary>
/// Collects the <see cref="FieldError"/>s of a command's common fields. Commands arrive from other systems and may
/// carry nulls where the contract says a string, so every check treats null as missing. Problems quote offending
/// values only as an <see cref="Excerpt"/>, and <see cref="Errors"/> lists at most
/// <see cref="InputLimits.MaxFieldErrors"/> of them (docs/messages.md, "Limits").
/// </summary>
internal sealed class CommandFields
{
    private readonly List<FieldError> _errors = [];

    /// <summary>The problems found, capped (<see cref="Excerpt.FieldErrors"/>).</summary>
    public IReadOnlyList<FieldError> Errors => Excerpt.FieldErrors(_errors);

    public bool IsValid => _errors.Count == 0;

    /// <summary>The fields every command carries: id, deployment, app, trigger and the audit texts.</summary>
    public static CommandFields Common(Guid commandId, string? deploymentId, string? appSlug, string? trigger, string? requestedBy, string? reason) =>
        new CommandFields()
            .CommandId(commandId)
            .DeploymentId(deploymentId)
            .AppSlug(appSlug)
            .Trigger(trigger)
            .AuditText(nameof(RotateSecret.RequestedBy), requestedBy, InputLimits.MaxRequestedByLength)
            .AuditText(nameof(RotateSecret.Reason), reason, InputLimits.MaxReasonLength);

    public CommandFields CommandId(Guid commandId)
    {
        if (commandId == Guid.Empty)
        {
            Add(nameof(RotateSecret.CommandId), "is missing (it must be a non-empty GUID: the command's idempotency key)");
        }

        return this;
    }

    public CommandFields DeploymentId(string? value) => DecimalId(nameof(RotateSecret.DeploymentId), value);

    /// <summary>A record id: a positive 64-bit integer in canonical decimal (<see cref="DecimalIds.IsCanonical"/>).</summary>
    public CommandFields DecimalId(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is missing");
        }
        else if (!DecimalIds.IsCanonical(value))
        {
            Add(field, $"must be a positive decimal 64-bit integer without sign or leading zero (at most {long.MaxValue}), got '{Excerpt.Quote(value)}'");
        }

        return this;
    }

    /// <summary>
    /// The platform's slug rule (the contract is silent; the emulator applies it on createOAuthApp): 1 to
    /// <see cref="InputLimits.MaxSlugLength"/> ASCII letters, digits, <c>-</c> or <c>_</c>. So no slug can be a dot
    /// segment, carry a separator or need escaping in a path or a file name.
    /// </summary>
    public CommandFields AppSlug(string? value)
    {
        const string field = nameof(RotateSecret.AppSlug);
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is missing");
        }
        else if (!IsSlug(value))
        {
            Add(field, $"must be an app slug (1 to {InputLimits.MaxSlugLength} ASCII letters, digits, '-' or '_'), got '{Excerpt.Quote(value)}'");
        }

        return this;
    }

    public CommandFields Trigger(string? value)
    {
        if (value is null || !CommandTriggers.All.Contains(value, StringComparer.Ordinal))
        {
            Add(nameof(RotateSecret.Trigger), $"must be one of {string.Join(", ", CommandTriggers.All)}, got '{Excerpt.Quote(value)}'");
        }

        return this;
    }

    public CommandFields AuditText(string field, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            Add(field, $"is longer than {maxLength} characters ({value.Length})");
        }

        return this;
    }

    /// <summary>The message body as received, against <see cref="InputLimits.MaxMessageBytes"/> (unknown length: not checked).</summary>
    public CommandFields MessageSize(long? bytes)
    {
        if (bytes > InputLimits.MaxMessageBytes)
        {
            Add(MessageField, $"is {bytes} bytes; a command may have at most {InputLimits.MaxMessageBytes} bytes");
        }

        return this;
    }

    public CommandFields Add(IEnumerable<FieldError> errors)
    {
        _errors.AddRange(errors);
        return this;
    }

    public void Add(string field, string problem) => _errors.Add(new FieldError(field, problem));

    /// <summary>The field path of a problem with the message as a whole.</summary>
    public const string MessageField = "(message)";

    internal static bool IsSlug(string value) =>
        value.Length is > 0 and <= InputLimits.MaxSlugLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
