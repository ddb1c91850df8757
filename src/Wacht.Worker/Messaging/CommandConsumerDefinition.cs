using MassTransit;
using Microsoft.Extensions.Options;

namespace Wacht.Worker.Messaging;

/// <summary>
/// The receive-endpoint policy shared by the command consumers: a concurrency limit, in-process exponential retry
/// for <see cref="Commands.TransientCommandException"/> only (every other outcome is decided by the consumer), and a
/// partitioner so commands with the same key run one at a time, in order. Retry sits outside the partitioner: a
/// command waiting out its backoff does not hold its partition.
/// </summary>
internal abstract class CommandConsumerDefinition<TConsumer, TMessage> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer<TMessage>
    where TMessage : class
{
    private readonly MessagingOptions _options;

    protected CommandConsumerDefinition(IOptions<MessagingOptions> options)
    {
        _options = options.Value;
        ConcurrentMessageLimit = _options.ConcurrentMessageLimit;
    }

    /// <summary>The key commands are serialised on (the same key the consumer locks across instances).</summary>
    protected abstract string PartitionKey(TMessage message);

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        var retry = _options.Retry;
        endpointConfigurator.UseMessageRetry(r =>
        {
            if (retry.Limit == 0)
            {
                r.None();
            }
            else
            {
                r.Exponential(retry.Limit, retry.MinInterval, retry.MaxInterval, retry.IntervalDelta);
            }

            r.Handle<Commands.TransientCommandException>();
        });

        var partitioner = endpointConfigurator.CreatePartitioner(_options.PartitionCount);
        consumerConfigurator.Message<TMessage>(m => m.UsePartitioner(partitioner, c => PartitionKey(c.Message)));
    }
}
