using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Wacht.Worker.Ledger;

namespace Wacht.Worker.Jobs;

/// <summary>Checks <c>Worker:Scheduling</c>; every message names the setting to fix.</summary>
internal sealed partial class SchedulingOptionsValidator(IOptions<LedgerOptions> ledger) : IValidateOptions<SchedulingOptions>
{
    private const string Section = SchedulingOptions.SectionPath;

    public ValidateOptionsResult Validate(string? name, SchedulingOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.SchedulerName))
        {
            failures.Add($"{Section}:SchedulerName must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.InstanceId))
        {
            failures.Add($"{Section}:InstanceId must not be empty (use AUTO to generate one).");
        }

        if (options.MisfireThreshold <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:MisfireThreshold must be positive (e.g. 00:01:00).");
        }

        if (options.Store == SchedulingStore.Ram)
        {
            if (options.Clustered == true)
            {
                failures.Add($"{Section}:Clustered needs {Section}:Store PostgreSql (a RAM store cannot be shared).");
            }
        }
        else
        {
            if (string.IsNullOrEmpty(options.TablePrefix) || !TablePrefixPattern().IsMatch(options.TablePrefix))
            {
                failures.Add($"{Section}:TablePrefix must be letters, digits and underscores, starting with a letter or underscore (e.g. qrtz_).");
            }

            if (options.IsClustered && options.CheckinInterval < TimeSpan.FromSeconds(1))
            {
                failures.Add($"{Section}:CheckinInterval must be at least 1 second.");
            }

            if (ResolveConnectionStringError(options, ledger.Value) is { } error)
            {
                failures.Add(error);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The scheduler's PostgreSQL connection string: its own, the variable it names, else the ledger's.</summary>
    internal static string ResolveConnectionString(SchedulingOptions options, LedgerOptions ledger) =>
        TryResolve(options, ledger, out var value, out var error) ? value : throw new InvalidOperationException(error);

    private static string? ResolveConnectionStringError(SchedulingOptions options, LedgerOptions ledger) =>
        TryResolve(options, ledger, out _, out var error) ? null : error;

    private static bool TryResolve(SchedulingOptions options, LedgerOptions ledger, out string value, out string error)
    {
        value = "";
        error = "";
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            value = options.ConnectionString;
            return true;
        }

        var variable = options.ConnectionStringEnvironmentVariable?.Trim();
        if (!string.IsNullOrEmpty(variable))
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrWhiteSpace(fromEnvironment))
            {
                error = $"{Section}:ConnectionStringEnvironmentVariable names {variable}, which is not set.";
                return false;
            }

            value = fromEnvironment;
            return true;
        }

        if (ledger.Provider == LedgerProvider.PostgreSql)
        {
            try
            {
                value = LedgerServiceCollectionExtensions.ResolveConnectionString(ledger);
                return true;
            }
            catch (InvalidOperationException exception)
            {
                error = $"{Section}:ConnectionString is not set and the ledger's cannot be used: {exception.Message}";
                return false;
            }
        }

        error = $"{Section}:ConnectionString (or ConnectionStringEnvironmentVariable) must be set when {Section}:Store is PostgreSql "
            + $"and the ledger is not on PostgreSQL ({LedgerOptions.SectionPath}:Provider).";
        return false;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex TablePrefixPattern();
}
