namespace Wacht.Emulator;

/// <summary>What revokeOAuthGrant answers with its 200 (the contract allows both).</summary>
public enum RevokeBodyStyle
{
    /// <summary><c>{}</c></summary>
    EmptyObject,

    /// <summary><c>null</c></summary>
    Null,
}
