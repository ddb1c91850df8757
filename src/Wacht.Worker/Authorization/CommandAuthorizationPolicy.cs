using Wacht.Worker.Jobs;

namespace Wacht.Worker.Authorization;

/// <summary>What the policy decided, and why (the reason goes into the <c>forbidden</c> event).</summary>
internal sealed record AuthorizationDecision(bool Allowed, string Reason)
{
    public static AuthorizationDecision Allow(string reason) => new(true, reason);

    public static AuthorizationDecision Deny(string reason) => new(false, reason);
}

/// <summary>
/// The authorisation rules as a pure function (the model is <c>GrantAuditRules</c>): given the policy, the worker's own
/// broker user, the validated sender and the command, allow or deny. No I/O, no clock.
/// </summary>
internal static class CommandAuthorizationPolicy
{
    /// <param name="options">The policy.</param>
    /// <param name="workerUser">
    /// The worker's own broker user: the scheduled jobs send their commands as it, so it may send every command. Null
    /// when unknown (then nobody gets that exemption).
    /// </param>
    /// <param name="sentBy">The broker-validated sender, or null when the message carries none.</param>
    /// <param name="command">The command's contract name, e.g. <c>RotateSecret</c>.</param>
    /// <param name="oauthClientId">The client the command acts on, or null for a command on a whole app.</param>
    public static AuthorizationDecision Decide(
        CommandAuthorizationOptions options,
        string? workerUser,
        string? sentBy,
        string command,
        string deploymentId,
        string appSlug,
        string? oauthClientId)
    {
        if (!options.Enabled)
        {
            return AuthorizationDecision.Allow("the authorisation policy is off");
        }

        if (string.IsNullOrEmpty(sentBy))
        {
            return AuthorizationDecision.Deny(
                "The command carries no broker-validated user (the message's user_id property), and the authorisation policy "
                + "(Worker:Authorization) requires one. Send it with user_id set to the sending connection's RabbitMQ user.");
        }

        if (workerUser is not null && string.Equals(sentBy, workerUser, StringComparison.Ordinal))
        {
            return AuthorizationDecision.Allow("the worker's own user (scheduled jobs)");
        }

        var grants = options.Grants.Where(g => string.Equals(g.User, sentBy, StringComparison.Ordinal)).ToList();
        if (grants.Count == 0)
        {
            return AuthorizationDecision.Deny($"Broker user '{sentBy}' has no grant in the authorisation policy (Worker:Authorization:Grants).");
        }

        var forCommand = grants.Where(g => g.Commands.Any(c => c == "*" || string.Equals(c, command, StringComparison.Ordinal))).ToList();
        if (forCommand.Count == 0)
        {
            return AuthorizationDecision.Deny($"Broker user '{sentBy}' may not send {command} (Worker:Authorization:Grants).");
        }

        var target = oauthClientId is null ? $"{deploymentId}/{appSlug}" : $"{deploymentId}/{appSlug}/{oauthClientId}";
        foreach (var grant in forCommand)
        {
            var filter = new TargetFilter(grant.Targets, []);
            var covered = oauthClientId is null
                ? filter.CoversWholeApp(deploymentId, appSlug)
                : grant.Targets.Count > 0 && filter.Includes(deploymentId, appSlug, oauthClientId, oauthClientId);
            if (covered)
            {
                return AuthorizationDecision.Allow($"broker user '{sentBy}' may send {command} for {target}");
            }
        }

        return AuthorizationDecision.Deny($"Broker user '{sentBy}' may send {command}, but not for {target} (Worker:Authorization:Grants).");
    }
}
