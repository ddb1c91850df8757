namespace Wacht.Emulator;

public sealed class SeedDomainVerification
{
    /// <summary>Defaults to <c>oauth.wacht.services</c> (the platform's custom-hostname target).</summary>
    public string? CnameTarget { get; set; }

    public bool Verified { get; set; }
}
