namespace Wacht.Emulator;

/// <summary>What a deployment holds (no API key: use <see cref="EmulatorState.GetApiKey"/>).</summary>
public sealed record DeploymentSummary(string Id, string? Name, string Mode, int AppCount, int ClientCount, int GrantCount);
