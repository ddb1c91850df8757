using System.Text.Json;
using Wacht.Worker.Contracts;
using Wacht.Worker.Ledger;

namespace Wacht.Worker.Commands;

/// <summary>Turns result events into the ledger's <see cref="RecordedOutcome"/> and back, for replaying an outcome.</summary>
internal static class OutcomeCodec
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    // The ledger stores the contract's type name; this map is the only place it is read back. Renaming a class means
    // adding its old name here, so recorded outcomes stay readable.
    private static readonly Dictionary<string, Type> Types = new[]
    {
        typeof(SecretRotated), typeof(SecretRotationFailed),
        typeof(GrantRevoked), typeof(GrantRevocationFailed),
        typeof(ScopesSynced), typeof(ScopeSyncFailed),
    }.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public static RecordedOutcome Success(object @event) => Record(@event, succeeded: true, retryable: false);

    public static RecordedOutcome Failure(object @event, bool retryable) => Record(@event, succeeded: false, retryable);

    private static RecordedOutcome Record(object @event, bool succeeded, bool retryable)
    {
        var type = @event.GetType();
        if (!Types.ContainsKey(type.Name))
        {
            throw new ArgumentException($"{type.Name} is not a result event.", nameof(@event));
        }

        return new RecordedOutcome(succeeded, type.Name, Serialize(@event), retryable);
    }

    /// <summary>The event as the ledger stores it; a restored event serialises to the same text.</summary>
    public static string Serialize(object @event) => JsonSerializer.Serialize(@event, @event.GetType(), JsonOptions);

    public static object Restore(RecordedOutcome outcome)
    {
        if (!Types.TryGetValue(outcome.MessageType, out var type))
        {
            throw new InvalidOperationException($"The ledger holds an outcome of unknown type '{outcome.MessageType}'.");
        }

        return JsonSerializer.Deserialize(outcome.Json, type, JsonOptions)
            ?? throw new InvalidOperationException($"The ledger holds an empty outcome of type '{outcome.MessageType}'.");
    }
}
