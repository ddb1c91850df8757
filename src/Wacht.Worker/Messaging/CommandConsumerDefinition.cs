using MassTransit;
using Microsoft.Extensions.Options;
using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Messaging;

/// <summary>
/// The receive-endpoint policy shared by the command consumers: the queue named after the command's kind
/// (<c>rotate-secret</c>, …), a concurrency limit, in-process exponential retry for
/// <see cref="TransientCommandException"/> only (every other outcome is decided by the pipeline), and a partitioner so
/// commands with the same lock key run one at a time, in order. Retry sits outside the partitioner: a command waiting
/// out its backoff does not hold its partition.
/// </summary>
internal sealed class CommandConsumerDefinition<TCommand, TSucceeded, TFailed> : ConsumerDefinition<CommandConsumer<TCommand, TSucceeded, TFailed>>
    where TCommand : class, IWachtCommand
    where TSucceeded : class, ICommandEvent
    where TFailed : class, ICommandFailedEvent
{
    private readonly MessagingOptions _options;
    private readonly ICommandHandler<TCommand, TSucceeded, TFailed> _handler;

    public CommandConsumerDefinition(IOptions<MessagingOptions> options, ICommandHandler<TCommand, TSucceeded, TFailed> handler)
    {
        _options = options.Value;
        _handler = handler;
        EndpointName = handler.Kind;
        ConcurrentMessageLimit = _options.ConcurrentMessageLimit;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<CommandConsumer<TCommand, TSucceeded, TFailed>> consumerConfigurator,
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

            r.Handle<TransientCommandException>();
        });

        var partitioner = endpointConfigurator.CreatePartitioner(_options.PartitionCount);
        consumerConfigurator.Message<TCommand>(m => m.UsePartitioner(partitioner, c => _handler.Target(c.Message).LockKey));
    }
}
