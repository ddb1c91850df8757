namespace Wacht.Client;

/// <summary>How paths are prefixed for a deployment.</summary>
public enum WachtPathStyle
{
    /// <summary><c>/oauth/apps/...</c>: a backend API key scoped to one deployment (what <c>@wacht/backend</c> uses).</summary>
    Backend = 0,

    /// <summary><c>/deployments/{deployment_id}/oauth/apps/...</c>: the console/machine API.</summary>
    Platform = 1,
}
