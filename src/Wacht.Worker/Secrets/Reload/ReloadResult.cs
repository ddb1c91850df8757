using Wacht.Worker.Contracts;

namespace Wacht.Worker.Secrets.Reload;

/// <summary>The outcome of one reload action (one workload restarted, one webhook called).</summary>
/// <param name="Action"><c>rollout-restart</c> or <c>webhook</c>.</param>
/// <param name="Target"><c>namespace/deployment/name</c>, <c>namespace/statefulset/name</c>, or the webhook URL without its query.</param>
/// <param name="Succeeded">Whether it succeeded.</param>
/// <param name="Message">What happened, or the error; never a secret.</param>
public sealed record ReloadResult(string Action, string Target, bool Succeeded, string Message)
{
    /// <summary>As reported in <see cref="SecretRotated.ReloadActions"/>.</summary>
    public ReloadActionResult ToContract() => new() { Action = Action, Target = Target, Succeeded = Succeeded, Message = Message };
}
