using Microsoft.Extensions.Options;
using Wacht.Worker.Commands;
using Wacht.Worker.Jobs;
using Wacht.Worker.Messaging;

namespace Wacht.Worker.Authorization;

/// <summary>Validates <see cref="CommandAuthorizationOptions"/> at start-up; each message names the setting to fix.</summary>
internal sealed class CommandAuthorizationOptionsValidator(IOptions<MessagingOptions> messaging) : IValidateOptions<CommandAuthorizationOptions>
{
    public ValidateOptionsResult Validate(string? name, CommandAuthorizationOptions options)
    {
        const string s = CommandAuthorizationOptions.SectionPath;
        var failures = new List<string>();
        if (options.Enabled && messaging.Value.Transport != TransportKind.RabbitMq)
        {
            failures.Add($"{s}:Enabled needs {MessagingOptions.SectionPath}:Transport=RabbitMq: only RabbitMQ validates the sending user (user_id).");
        }

        var commands = CommandHandlers.All.Select(h => h.Command.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < options.Grants.Count; i++)
        {
            var grant = options.Grants[i];
            var key = $"{s}:Grants:{i}";
            if (string.IsNullOrWhiteSpace(grant.User))
            {
                failures.Add($"{key}:User must name a RabbitMQ user.");
            }

            if (grant.Commands.Count == 0)
            {
                failures.Add($"{key}:Commands must list at least one command ({string.Join(", ", commands.Order(StringComparer.Ordinal))}) or *.");
            }

            foreach (var command in grant.Commands.Where(c => c != "*" && !commands.Contains(c)))
            {
                failures.Add($"{key}:Commands names '{command}', which is not a command of this worker ({string.Join(", ", commands.Order(StringComparer.Ordinal))}, or *).");
            }

            if (grant.Targets.Count == 0)
            {
                failures.Add($"{key}:Targets must list at least one pattern deployment/app-slug/client (* for every target).");
            }

            foreach (var pattern in grant.Targets)
            {
                if (TargetFilter.Validate(pattern) is { } problem)
                {
                    failures.Add($"{key}:Targets pattern '{pattern}' {problem}.");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
