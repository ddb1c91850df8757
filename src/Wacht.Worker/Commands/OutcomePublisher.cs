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
    public static async Task PublishAsync(ConsumeContext context, Guid commandId, object @event)
    {
        var messageId = commandId == Guid.Empty ? NewId.NextGuid() : DeterministicId(commandId, OutcomeCodec.Serialize(@event));

        await context.Publish(@event, @event.GetType(), publish =>
        {
            publish.MessageId = messageId;
            if (commandId != Guid.Empty)
            {
                publish.CorrelationId = commandId;
            }
        });

        if (context.ResponseAddress is not null)
        {
            await context.RespondAsync(@event, @event.GetType(), respond =>
            {
                if (commandId != Guid.Empty)
                {
                    respond.CorrelationId = commandId;
                }
            });
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
