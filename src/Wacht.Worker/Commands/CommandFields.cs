using System.Globalization;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Commands;

/// <summary>
/// Collects the <see cref="FieldError"/>s of a command's common fields. Commands arrive from other systems and may
/// carry nulls where the contract says a string, so every check treats null as missing.
/// </summary>
internal sealed class CommandFields
{
    // Slugs travel in URL paths; the platform's slugs are URL-safe words. Anything else is a mistake in the command.
    private const int MaxSlugLength = 128;
    private const int MaxAuditTextLength = 1024;

    private readonly List<FieldError> _errors = [];

    public IReadOnlyList<FieldError> Errors => _errors;

    public bool IsValid => _errors.Count == 0;

    /// <summary>The fields every command carries: id, deployment, app, trigger and the audit texts.</summary>
    public static CommandFields Common(Guid commandId, string? deploymentId, string? appSlug, string? trigger, string? requestedBy, string? reason) =>
        new CommandFields()
            .CommandId(commandId)
            .DeploymentId(deploymentId)
            .AppSlug(appSlug)
            .Trigger(trigger)
            .AuditText(nameof(RotateSecret.RequestedBy), requestedBy)
            .AuditText(nameof(RotateSecret.Reason), reason);

    public CommandFields CommandId(Guid commandId)
    {
        if (commandId == Guid.Empty)
        {
            Add(nameof(RotateSecret.CommandId), "is missing (it must be a non-empty GUID: the command's idempotency key)");
        }

        return this;
    }

    public CommandFields DeploymentId(string? value) => DecimalId(nameof(RotateSecret.DeploymentId), value);

    /// <summary>A record id: a positive 64-bit integer in decimal, as the platform's ids are.</summary>
    public CommandFields DecimalId(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is missing");
        }
        else if (!value.All(char.IsAsciiDigit) || !ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id == 0)
        {
            Add(field, $"must be a positive decimal 64-bit integer, got '{Shorten(value)}'");
        }

        return this;
    }

    public CommandFields AppSlug(string? value)
    {
        const string field = nameof(RotateSecret.AppSlug);
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is missing");
        }
        else if (value.Length > MaxSlugLength || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            Add(field, $"must be an app slug (letters, digits, '-', '_', '.'; at most {MaxSlugLength} characters), got '{Shorten(value)}'");
        }

        return this;
    }

    public CommandFields Trigger(string? value)
    {
        if (value is null || !CommandTriggers.All.Contains(value, StringComparer.Ordinal))
        {
            Add(nameof(RotateSecret.Trigger), $"must be one of {string.Join(", ", CommandTriggers.All)}, got '{Shorten(value)}'");
        }

        return this;
    }

    public CommandFields AuditText(string field, string? value)
    {
        if (value is { Length: > MaxAuditTextLength })
        {
            Add(field, $"is longer than {MaxAuditTextLength} characters");
        }

        return this;
    }

    public CommandFields Add(IEnumerable<FieldError> errors)
    {
        _errors.AddRange(errors);
        return this;
    }

    public void Add(string field, string problem) => _errors.Add(new FieldError(field, problem));

    private static string Shorten(string? value) => value is null ? "(null)" : value.Length <= 64 ? value : value[..64] + "…";
}
