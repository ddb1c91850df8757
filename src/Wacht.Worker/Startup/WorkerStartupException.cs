namespace Wacht.Worker.Startup;

/// <summary>
/// The worker refuses to start: every problem found in the configuration or at its first contact with the ledger and the
/// broker, each beginning with the setting to fix. The command line prints them, once, without a stack trace.
/// </summary>
internal sealed class WorkerStartupException : Exception
{
    public WorkerStartupException(string environmentName, IReadOnlyList<string> problems)
        : base(Describe(environmentName, problems))
    {
        EnvironmentName = environmentName;
        Problems = problems;
    }

    public WorkerStartupException()
        : this("Production", [])
    {
    }

    public WorkerStartupException(string message)
        : this("Production", [message])
    {
    }

    public WorkerStartupException(string message, Exception innerException)
        : base(message, innerException)
    {
        EnvironmentName = "Production";
        Problems = [message];
    }

    /// <summary>The host environment the worker was started in (Production unless DOTNET_ENVIRONMENT says otherwise).</summary>
    public string EnvironmentName { get; }

    /// <summary>One line per problem, each naming its setting.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Describe(string environmentName, IReadOnlyList<string> problems) =>
        $"Wacht.Worker cannot start ({environmentName} environment): "
        + (problems.Count == 1 ? "1 problem" : $"{problems.Count} problems")
        + string.Concat(problems.Select(static p => Environment.NewLine + "  - " + p));
}
