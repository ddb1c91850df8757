namespace Wacht.Worker.Contracts;

/// <summary>One reload action run after a secret was delivered (part of <see cref="SecretRotated"/>).</summary>
public sealed record ReloadActionResult
{
    /// <summary><c>rollout-restart</c> or <c>webhook</c>.</summary>
    public string Action { get; init; } = "";

    /// <summary>What it acted on: <c>namespace/deployment/name</c>, <c>namespace/statefulset/name</c>, or the webhook's URL without its query.</summary>
    public string Target { get; init; } = "";

    /// <summary>Whether it succeeded.</summary>
    public bool Succeeded { get; init; }

    /// <summary>What happened, in words (the error when it failed). Never a secret.</summary>
    public string Message { get; init; } = "";
}
