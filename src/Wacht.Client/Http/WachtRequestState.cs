namespace Wacht.Client;

/// <summary>
/// Per-call state shared by the client, the resilience pipeline and the attempt handler through
/// <see cref="HttpRequestMessage.Options"/>: attempts made and whether any attempt may have reached the server.
/// </summary>
internal sealed class WachtRequestState
{
    public static readonly HttpRequestOptionsKey<WachtRequestState> Key = new("Wacht.RequestState");

    private int _attempts;
    private int _possiblySent;

    public WachtRequestState(string deploymentId, WachtOperation operation)
    {
        DeploymentId = deploymentId;
        Operation = operation;
    }

    public string DeploymentId { get; }

    public WachtOperation Operation { get; }

    /// <summary>Attempts that reached the attempt handler (i.e. passed the circuit breaker and the limiters).</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>True once an attempt began sending and did not provably fail before any byte left the client.</summary>
    public bool MayHaveReachedServer => Volatile.Read(ref _possiblySent) > 0;

    /// <summary>Attempts that may have reached the server (attempts that provably did not are not counted).</summary>
    public int PossiblySentAttempts => Volatile.Read(ref _possiblySent);

    public static WachtRequestState? Get(HttpRequestMessage request) =>
        request.Options.TryGetValue(Key, out var state) ? state : null;

    public void Attach(HttpRequestMessage request)
    {
        request.Options.Set(Key, this);
        request.Options.Set(WachtRequestOptionKeys.DeploymentId, DeploymentId);
        request.Options.Set(WachtRequestOptionKeys.Operation, Operation.Name);
        request.Options.Set(WachtRequestOptionKeys.IsIdempotent, Operation.IsIdempotent);
    }

    public int BeginAttempt() => Interlocked.Increment(ref _attempts);

    public void MarkPossiblySent() => Interlocked.Increment(ref _possiblySent);

    public void MarkNotSent() => Interlocked.Decrement(ref _possiblySent);
}
