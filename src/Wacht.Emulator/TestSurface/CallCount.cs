namespace Wacht.Emulator;

/// <summary>How many requests reached one operation of one deployment.</summary>
public sealed record CallCount(string DeploymentId, string Operation, int Count);
