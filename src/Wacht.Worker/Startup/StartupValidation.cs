using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Wacht.Worker.Startup;

/// <summary>
/// Runs every options validation registered with <c>ValidateOnStart</c> and collects all failures, instead of the host
/// stopping at the first options type that fails (and logging it with a stack trace before rethrowing it).
/// </summary>
internal static class StartupValidation
{
    /// <summary>Every validation failure of every options type validated on start; empty when all pass.</summary>
    public static IReadOnlyList<string> Collect(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        try
        {
            // The framework's validator runs every registered validation and throws one exception (one type failed) or
            // an AggregateException of them (several failed).
            services.GetService<IStartupValidator>()?.Validate();
            return [];
        }
        catch (OptionsValidationException exception)
        {
            return Distinct(exception.Failures);
        }
        catch (AggregateException exception) when (exception.InnerExceptions.All(static e => e is OptionsValidationException))
        {
            return Distinct(exception.InnerExceptions.Cast<OptionsValidationException>().SelectMany(static e => e.Failures));
        }
    }

    /// <summary>
    /// Whether an exception is the configuration binder failing to convert a value (for example <c>abc</c> for a
    /// number). Its message names the setting (<c>Failed to convert configuration value at 'Worker:...'</c>).
    /// </summary>
    public static bool IsBindingFailure(Exception exception) =>
        exception is InvalidOperationException { Source: "Microsoft.Extensions.Configuration.Binder" };

    private static List<string> Distinct(IEnumerable<string> failures) =>
        failures.Select(static f => f.Trim()).Where(static f => f.Length > 0).Distinct(StringComparer.Ordinal).ToList();
}
