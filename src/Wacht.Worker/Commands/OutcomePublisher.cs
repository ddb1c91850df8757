using System.Security.Cryptography;
using System.Text;
using MassTransit;

namespace Wacht.Worker.Commands;

/// <summary>
/// Publishes a command's terminal event for subscribers and, when the command came as a request, answers the
/// requester with the same event.
/// </summary>
internal static class OutcomePublisher
{
    /// <summary>
    /// The message id is derived from the command id and the event's content, so a replayed outcome (after a
    /// redelivery or a duplicate command) carries the same message id and subscribers can de-duplicate on it, while a
    /// different outcome of the same command (a re-driven retryable failure that later succeeds or fails otherwise)
    /// gets a new one.
    /// </summary>
    /// <param name="timeout">
    /// How long the broker may take to confirm. Past it the attempt fails with a <see cref="TimeoutException"/>, which
    /// the pipeline retries like any infrastructure failure: the outcome is in the ledger by then, so the retry
    /// re-publishes the same event (same message id) instead of executing the command again.
    /// </param>
    public static async Task PublishAsync(ConsumeContext context, Guid commandId, object @event, TimeSpan timeout)
    {
        var messageId = commandId == Guid.Empty ? NewId.NextGuid() : DeterministicId(commandId, OutcomeCodec.Serialize(@event));

        // WaitAsync as well as the token: whether the transport honours the token while it waits for a confirm is its
        // business; the command must not wait past the deadline either way.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await context.Publish(@event, @event.GetType(), publish =>
            {
                publish.MessageId = messageId;
                if (commandId != Guid.Empty)
                {
                    publish.CorrelationId = commandId;
                }
            }, deadline.Token).WaitAsync(deadline.Token);

            if (context.ResponseAddress is not null)
            {
                await context.RespondAsync(@event, @event.GetType(), respond =>
                {
                    if (commandId != Guid.Empty)
                    {
                        respond.CorrelationId = commandId;
                    }
                }).WaitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException exception) when (deadline.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The broker did not confirm the {@event.GetType().Name} event within {timeout}.", exception);
        }
    }

    private static Guid DeterministicId(Guid commandId, string content)
    {
        var input = new byte[16 + Encoding.UTF8.GetByteCount(content)];
        commandId.TryWriteBytes(input);
        Encoding.UTF8.GetBytes(content, input.AsSpan(16));
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        return new Guid(hash[..16]);
    }
}
