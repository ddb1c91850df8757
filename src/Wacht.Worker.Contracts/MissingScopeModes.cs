namespace Wacht.Worker.Contracts;

/// <summary>What <see cref="SyncScopes"/> does with scopes the app has but the desired list lacks.</summary>
public static class MissingScopeModes
{
    /// <summary>Leave them as they are (the default).</summary>
    public const string Keep = "keep";

    /// <summary>Archive them (the non-destructive way to retire a scope; nothing is deleted).</summary>
    public const string Archive = "archive";

    /// <summary>Every known mode.</summary>
    public static IReadOnlyList<string> All { get; } = [Keep, Archive];
}
