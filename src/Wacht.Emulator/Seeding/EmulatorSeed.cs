namespace Wacht.Emulator;

/// <summary>
/// The emulator's JSON seed: deployments → apps → clients → grants (snake_case on disk).
/// Ids are decimal strings; omitted ids, timestamps and secrets are generated on load.
/// See deploy/emulator/README.md for the format.
/// </summary>
public sealed class EmulatorSeed
{
    public IList<SeedDeployment> Deployments { get; set; } = new List<SeedDeployment>();
}
