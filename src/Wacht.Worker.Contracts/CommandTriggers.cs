namespace Wacht.Worker.Contracts;

/// <summary>What caused a command: the values of <c>Trigger</c> on commands and result events.</summary>
public static class CommandTriggers
{
    /// <summary>Sent by a person or an automation (the default).</summary>
    public const string Command = "command";

    /// <summary>Sent by the scheduled secret-rotation sweep.</summary>
    public const string Schedule = "schedule";

    /// <summary>Sent by the grant audit as remediation.</summary>
    public const string Audit = "audit";

    /// <summary>Every known trigger.</summary>
    public static IReadOnlyList<string> All { get; } = [Command, Schedule, Audit];
}
