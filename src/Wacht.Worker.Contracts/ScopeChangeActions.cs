namespace Wacht.Worker.Contracts;

/// <summary>The values of <see cref="ScopeChange.Action"/>, in the order the worker applies them.</summary>
public static class ScopeChangeActions
{
    /// <summary>Add a scope that the app lacks (one app update for all added scopes).</summary>
    public const string Add = "add";

    /// <summary>Unarchive an archived scope that is desired again.</summary>
    public const string Unarchive = "unarchive";

    /// <summary>Change a scope's display name and/or description.</summary>
    public const string UpdateText = "update_text";

    /// <summary>Set the category and permission of a scope that has none yet.</summary>
    public const string SetMapping = "set_mapping";

    /// <summary>Archive a scope the desired list lacks (with <see cref="MissingScopeModes.Archive"/>).</summary>
    public const string Archive = "archive";
}
