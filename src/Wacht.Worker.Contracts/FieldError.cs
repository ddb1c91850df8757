namespace Wacht.Worker.Contracts;

/// <summary>One offending field of an invalid command.</summary>
/// <param name="Field">The field's path in the command, e.g. <c>DeploymentId</c> or <c>Scopes[2].Scope</c>.</param>
/// <param name="Problem">What is wrong with it, in words.</param>
public sealed record FieldError(string Field, string Problem);
