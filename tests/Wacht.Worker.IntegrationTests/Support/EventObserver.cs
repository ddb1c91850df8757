using System.Collections.Concurrent;
using System.Text;
using MassTransit;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.IntegrationTests.Support;

/// <summary>
/// A subscriber of every result event, on its own queue, as the security team's audit subscriber would be. Keeps
/// each event with its raw body as it came over the wire, its message id and correlation id.
/// </summary>
public sealed class EventObserver
{
    private readonly ConcurrentQueue<ObservedEvent> _events = new();

    public IReadOnlyList<ObservedEvent> Events => [.. _events];

    /// <summary>Every raw message body received, joined: for checking no secret crossed the wire.</summary>
    public string AllBodies => string.Join('\n', _events.Select(e => e.Body));

    public void Add(ObservedEvent observed) => _events.Enqueue(observed);

    /// <summary>Waits for the <paramref name="count"/>th event of type <typeparamref name="T"/> matching <paramref name="match"/>.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool> match, int count = 1, TimeSpan? timeout = null)
        where T : class
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var found = _events.Select(e => e.Message).OfType<T>().Where(match).ToList();
            if (found.Count >= count)
            {
                return found[count - 1];
            }

            try
            {
                await Task.Delay(20, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(
                    $"No {typeof(T).Name} #{count} arrived; observed: {string.Join(", ", _events.Select(e => e.Message.GetType().Name))}");
            }
        }
    }

    /// <summary>Waits for the terminal event of a command (any of the six).</summary>
    public async Task<object> WaitForTerminalAsync(Guid commandId, int count = 1)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var found = _events.Where(e => e.CommandId == commandId).ToList();
            if (found.Count >= count)
            {
                return found[count - 1].Message;
            }

            try
            {
                await Task.Delay(20, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No terminal event #{count} for command {commandId}.");
            }
        }
    }
}

/// <summary>One result event as a subscriber received it.</summary>
public sealed record ObservedEvent(object Message, Guid CommandId, Guid? MessageId, Guid? CorrelationId, string Body);

/// <summary>The observer's consumer: one class consuming the result events the tests wait for.</summary>
public sealed class EventObserverConsumer(EventObserver observer) :
    IConsumer<SecretRotated>,
    IConsumer<SecretRotationFailed>,
    IConsumer<GrantRevoked>,
    IConsumer<GrantRevocationFailed>,
    IConsumer<ScopesSynced>,
    IConsumer<ScopeSyncFailed>,
    IConsumer<ClientQuarantined>,
    IConsumer<ClientQuarantineFailed>,
    IConsumer<SigningKeyRotated>,
    IConsumer<SigningKeyRotationFailed>,
    IConsumer<SigningKeyCompromised>,
    IConsumer<SigningKeyCompromiseFailed>
{
    public Task Consume(ConsumeContext<SecretRotated> context) => Record(context, context.Message.CommandId);

    public Task Consume(ConsumeContext<SecretRotationFailed> context) => Record(context, context.Message.CommandId);

    public Task Consume(ConsumeContext<GrantRevoked> context) => Record(context, context.Message.CommandId);

    public Task Consume(ConsumeContext<GrantRevocationFailed> context) => Record(context, context.Message.CommandId);

    public Task Consume(ConsumeContext<ScopesSynced> context) => Record(context, context.Message.CommandId);

    public Task Consume(ConsumeContext<ScopeSyncFailed> context) => Record(context, context.Message.CommandId);

    public Task Consume(ConsumeContext<ClientQuarantined> context) => Record(context, context.Message.CommandId);

    public Task Consume(ConsumeContext<ClientQuarantineFailed> context) => Record(context, context.Message.CommandId);

    public Task Consume(ConsumeContext<SigningKeyRotated> context) => Record(context, context.Message.CommandId);

    public Task Consume(ConsumeContext<SigningKeyRotationFailed> context) => Record(context, context.Message.CommandId);

    public Task Consume(ConsumeContext<SigningKeyCompromised> context) => Record(context, context.Message.CommandId);

    public Task Consume(ConsumeContext<SigningKeyCompromiseFailed> context) => Record(context, context.Message.CommandId);

    private Task Record<T>(ConsumeContext<T> context, Guid commandId)
        where T : class
    {
        var body = Encoding.UTF8.GetString(context.ReceiveContext.Body.GetBytes());
        observer.Add(new ObservedEvent(context.Message, commandId, context.MessageId, context.CorrelationId, body));
        return Task.CompletedTask;
    }
}
