namespace Wacht.Worker.Secrets.Reload;

/// <summary>What a reload action is told about a delivered secret: ids, where it is and its fingerprint; never the secret.</summary>
public sealed record ReloadRequest(
    Guid CommandId,
    SecretTarget Target,
    string Route,
    string Destination,
    string Key,
    string Fingerprint,
    DateTimeOffset RotatedAt);
