namespace Wacht.Worker.Telemetry;

/// <summary>
/// The steps of a command that get a span of their own (<see cref="WorkerActivitySource.StartCommandStep"/>), in the order
/// the command pipeline runs them. The span name is <c>"{kind} {step}"</c>, e.g. <c>rotate-secret wacht</c>.
/// </summary>
public static class CommandSteps
{
    /// <summary>Waiting for and taking the client's (or app's) lock.</summary>
    public const string Lock = "lock";

    /// <summary>A ledger read or write (begin, record intent, store the pending secret, complete).</summary>
    public const string Ledger = "ledger";

    /// <summary>The command's calls to the Wacht API (the HTTP client spans are its children).</summary>
    public const string WachtCall = "wacht";

    /// <summary>Writing the secret to its destination.</summary>
    public const string Delivery = "delivery";

    /// <summary>Asking Wacht whether a secret is the client's current one (the app's runtime endpoint).</summary>
    public const string Verify = "verify";

    /// <summary>The command's own work, between the ledger's begin and complete (its Wacht calls, deliveries and checks are children).</summary>
    public const string Execute = "execute";

    /// <summary>Publishing the terminal event (MassTransit's publish span is its child).</summary>
    public const string Publish = "publish";
}
