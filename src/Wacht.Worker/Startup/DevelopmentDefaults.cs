using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Wacht.Worker.Embedded;
using Wacht.Worker.Messaging;

namespace Wacht.Worker.Startup;

/// <summary>
/// The embedded emulator and the in-memory transport are for the demo and development. Outside the Development
/// environment (a published binary runs in Production unless DOTNET_ENVIRONMENT says otherwise) the worker refuses to
/// start with either unless <c>Worker:AllowDevelopmentDefaults</c> is true: a production worker on them would rotate
/// nothing real and consume nothing another process sends, while looking healthy.
/// </summary>
internal static class DevelopmentDefaults
{
    /// <summary>The setting that lets the development defaults run outside Development.</summary>
    public const string AllowSetting = "Worker:AllowDevelopmentDefaults";

    private const string EmbeddedSetting = EmbeddedOptions.SectionPath + ":" + nameof(EmbeddedOptions.Enabled);
    private const string TransportSetting = MessagingOptions.SectionPath + ":" + nameof(MessagingOptions.Transport);
    private const string DeploymentsSetting = "Wacht:Deployments";

    /// <summary>The problems with the development defaults in this environment; empty when the worker may go on.</summary>
    public static IReadOnlyList<string> Check(IHostEnvironment environment, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        var embedded = Flag(configuration, EmbeddedSetting, problems);
        var allowed = Flag(configuration, AllowSetting, problems);

        if (embedded && configuration.GetSection(DeploymentsSetting).GetChildren().Any())
        {
            problems.Add($"{EmbeddedSetting}: true means the worker talks to its embedded emulator, but {DeploymentsSetting} is configured too; "
                + $"set {EmbeddedSetting}=false to use the configured deployments, or remove {DeploymentsSetting}");
        }

        if (environment.IsDevelopment() || allowed)
        {
            return problems;
        }

        var name = environment.EnvironmentName;
        if (embedded)
        {
            problems.Add($"{EmbeddedSetting}: the embedded emulator is for the demo and development, not the {name} environment; "
                + $"set it to false and configure {DeploymentsSetting}, or set {AllowSetting}=true to run it anyway");
        }

        var transport = configuration[TransportSetting];
        var inMemory = string.IsNullOrWhiteSpace(transport)
            || (Enum.TryParse<TransportKind>(transport, ignoreCase: true, out var kind) && kind == TransportKind.InMemory);
        if (inMemory)
        {
            problems.Add($"{TransportSetting}: {(string.IsNullOrWhiteSpace(transport) ? "unset, so InMemory" : "InMemory")}, which no other process can send "
                + $"commands to, is for the demo and development, not the {name} environment; set it to RabbitMq, or set {AllowSetting}=true to run it anyway");
        }

        return problems;
    }

    private static bool Flag(IConfiguration configuration, string key, List<string> problems)
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        if (bool.TryParse(value.Trim(), out var flag))
        {
            return flag;
        }

        problems.Add($"{key}: must be true or false");
        return false;
    }
}
