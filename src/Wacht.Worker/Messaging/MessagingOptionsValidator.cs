using Microsoft.Extensions.Options;

namespace Wacht.Worker.Messaging;

/// <summary>Validates <see cref="MessagingOptions"/> at start-up; each message names the setting to fix.</summary>
internal sealed class MessagingOptionsValidator : IValidateOptions<MessagingOptions>
{
    public ValidateOptionsResult Validate(string? name, MessagingOptions options)
    {
        const string s = MessagingOptions.SectionPath;
        var failures = new List<string>();

        if (!Enum.IsDefined(options.Transport))
        {
            failures.Add($"{s}:Transport must be InMemory or RabbitMq.");
        }

        if (options.ConcurrentMessageLimit is < 1 or > 1000)
        {
            failures.Add($"{s}:ConcurrentMessageLimit must be between 1 and 1000 (got {options.ConcurrentMessageLimit}).");
        }

        if (options.LockTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{s}:LockTimeout must be positive (got {options.LockTimeout}).");
        }

        if (options.PublishTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{s}:PublishTimeout must be positive (got {options.PublishTimeout}).");
        }

        var retry = options.Retry;
        if (retry.Limit is < 0 or > 100)
        {
            failures.Add($"{s}:Retry:Limit must be between 0 and 100 (got {retry.Limit}).");
        }

        if (retry.MinInterval < TimeSpan.Zero || retry.IntervalDelta < TimeSpan.Zero)
        {
            failures.Add($"{s}:Retry:MinInterval and {s}:Retry:IntervalDelta must not be negative.");
        }

        if (retry.MaxInterval < retry.MinInterval)
        {
            failures.Add($"{s}:Retry:MaxInterval must be at least {s}:Retry:MinInterval.");
        }

        if (options.Transport == TransportKind.RabbitMq)
        {
            var rabbit = options.RabbitMq;
            if (string.IsNullOrWhiteSpace(rabbit.Host))
            {
                failures.Add($"{s}:RabbitMq:Host must be set when {s}:Transport is RabbitMq.");
            }

            if (rabbit.Port is < 0 or > 65535)
            {
                failures.Add($"{s}:RabbitMq:Port must be between 0 (scheme default) and 65535.");
            }

            if (string.IsNullOrWhiteSpace(rabbit.VirtualHost))
            {
                failures.Add($"{s}:RabbitMq:VirtualHost must not be empty (use \"/\" for the default vhost).");
            }

            if (rabbit.Password is { Length: > 0 } && rabbit.PasswordEnvironmentVariable is { Length: > 0 })
            {
                failures.Add($"{s}:RabbitMq: set Password or PasswordEnvironmentVariable, not both.");
            }

            if (rabbit.PasswordEnvironmentVariable is { Length: > 0 } variable && Environment.GetEnvironmentVariable(variable) is null)
            {
                failures.Add($"{s}:RabbitMq:PasswordEnvironmentVariable names '{variable}', which is not set.");
            }

            if (rabbit.PrefetchCount is < 1 or > 10000)
            {
                failures.Add($"{s}:RabbitMq:PrefetchCount must be between 1 and 10000.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
