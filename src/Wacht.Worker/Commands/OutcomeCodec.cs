using System.Text.Json;
using Wacht.Worker.Ledger;

namespace Wacht.Worker.Commands;

/// <summary>Turns result events into the ledger's <see cref="RecordedOutcome"/> and back, for replaying an outcome.</summary>
internal static class OutcomeCodec
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    // The ledger stores the contract's type name. The names come from the command handlers' event types, so a new
    // command's events are storable without touching this file. Renaming an event class means adding its old name to
    // RenamedTypes, so recorded outcomes stay readable.
    private static readonly Dictionary<string, Type> Types = CommandHandlers.All
        .SelectMany(h => new[] { (h.Succeeded.Name, h.Succeeded), (h.Failed.Name, h.Failed) })
        .Concat(RenamedTypes())
        .ToDictionary(t => t.Item1, t => t.Item2, StringComparer.Ordinal);

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

    /// <summary>Event classes renamed since outcomes were first recorded: (old name, current type). None so far.</summary>
    private static IEnumerable<(string OldName, Type Type)> RenamedTypes() => [];
}
