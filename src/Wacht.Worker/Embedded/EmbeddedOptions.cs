namespace Wacht.Worker.Embedded;

/// <summary>
/// The embedded default (<c>Worker:Embedded</c>): the worker starts the Wacht emulator in-process and talks to it
/// instead of the hosted Wacht, for development and demos. Production configuration turns it off and configures
/// <c>Wacht:Deployments</c>.
/// </summary>
public sealed class EmbeddedOptions
{
    public const string SectionPath = "Worker:Embedded";

    public bool Enabled { get; set; }

    /// <summary>The emulator's seed file; when it does not exist a small generated seed is used.</summary>
    public string SeedPath { get; set; } = "deploy/emulator/demo-seed.json";

    /// <summary>The emulator's listen address; the default picks a free loopback port.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:0";
}
