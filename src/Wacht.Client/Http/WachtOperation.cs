namespace Wacht.Client;

/// <summary>One endpoint of the contract, named as the SDK method, and whether the HTTP layer may retry it.</summary>
internal sealed record WachtOperation(string Name, bool IsIdempotent)
{
    public override string ToString() => Name;
}
