namespace Wacht.Worker.Contracts;

/// <summary>
/// Something a scheduled run could not do, e.g. an unreachable deployment. The run goes on with the rest and reports it.
/// </summary>
/// <param name="DeploymentId">The deployment it concerns.</param>
/// <param name="AppSlug">The app, when the error concerns one app (or a client of it); null for the whole deployment.</param>
/// <param name="OAuthClientId">The client's record id, when the error concerns one client.</param>
/// <param name="Code">Machine-readable: one of <see cref="ErrorCodes"/> (e.g. <c>wacht_unavailable</c>, <c>unauthorized</c>).</param>
/// <param name="Message">What went wrong, in words (never a secret or an API key).</param>
public sealed record JobError(string DeploymentId, string? AppSlug, string? OAuthClientId, string Code, string Message);
