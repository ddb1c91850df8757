namespace Wacht.Worker.Grants;

/// <summary>
/// Where the audit's credential findings live in the ledger's published-findings table, which is keyed by deployment,
/// grant and kind and listed per client (<see cref="Ledger.IJobLedger.ListPublishedFindingsAsync"/>). A client's
/// finding takes a subject beside its grants (listed, kept and forgotten with them); an app's findings are listed under
/// an owner of their own. Grant and client ids are decimal, so these prefixed texts meet no real id.
/// </summary>
internal static class FindingSubjects
{
    /// <summary>The "grant" of a finding about a client's secret (listed with the client's grants).</summary>
    public static string Client(string oauthClientId) => $"client:{oauthClientId}";

    /// <summary>The "client" an app's findings are listed under.</summary>
    public static string App(string appSlug) => $"app:{appSlug}";

    /// <summary>The "grant" of a finding about an app's signing keys: the app, or one of its keys.</summary>
    public static string SigningKeys(string appSlug, string? kid) => kid is null ? App(appSlug) : $"{App(appSlug)}/kid:{kid}";
}
