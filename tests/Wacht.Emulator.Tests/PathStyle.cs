namespace Wacht.Emulator.Tests;

/// <summary>The contract's two path styles.</summary>
public enum PathStyle
{
    /// <summary><c>/oauth/...</c>: the key selects the deployment.</summary>
    Backend,

    /// <summary><c>/deployments/{id}/oauth/...</c>: the key must be that deployment's key.</summary>
    Platform,
}
