namespace Wacht.Worker.Authorization;

/// <summary>
/// Who may command what, section <c>Worker:Authorization</c>. Off by default: then anyone who can publish to the
/// command queues may send any command, as before. On, every command must carry a broker-validated user (RabbitMQ's
/// <c>user_id</c> property, which the broker checks against the sending connection's user) that one of
/// <see cref="Grants"/> allows for that command and target; anything else ends in <c>forbidden</c> before any call to
/// Wacht.
/// </summary>
public sealed class CommandAuthorizationOptions
{
    public const string SectionPath = "Worker:Authorization";

    /// <summary>Turns the policy on. Needs the RabbitMQ transport (the in-memory transport validates no user).</summary>
    public bool Enabled { get; set; }

    /// <summary>What each broker user may send. A user may have several grants; any one that matches allows the command.</summary>
    public List<CommandGrant> Grants { get; set; } = [];
}

/// <summary>One grant: a broker user may send these commands for these targets.</summary>
public sealed class CommandGrant
{
    /// <summary>The RabbitMQ user name, exactly as the broker knows it.</summary>
    public string User { get; set; } = "";

    /// <summary>Command names (<c>RotateSecret</c>, <c>RevokeGrant</c>, <c>SyncScopes</c>, …) or <c>*</c> for every command.</summary>
    public List<string> Commands { get; set; } = [];

    /// <summary>
    /// Patterns <c>deployment/app-slug/client</c> with <c>*</c> and <c>?</c>, the syntax of the jobs' filters (missing
    /// trailing segments mean <c>*</c>). The client segment matches the command's OAuth client record id. A command on
    /// a whole app (<c>SyncScopes</c>) needs a pattern whose client segment is <c>*</c>.
    /// </summary>
    public List<string> Targets { get; set; } = [];
}
