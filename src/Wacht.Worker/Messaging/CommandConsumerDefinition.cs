using MassTransit;
using Microsoft.Extensions.Options;
using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Messaging;

/// <summary>
/// The receive-endpoint policy shared by the command consumers: the queue named after the command's kind
/// (<c>rotate-secret</c>, …), a concurrency limit, in-process exponential retry for
/// <see cref="TransientCommandException"/> only (every other outcome is decided by the pipeline). The endpoint accepts
/// <see cref="MessagingOptions.InFlightLimit"/> messages; how many execute, and that commands with the same lock key run
/// one at a time and in order, is decided in the consumer (<see cref="CommandSlots"/>), not by a partitioner, whose
/// waiting messages would hold the endpoint's slots. A command waiting out its retry backoff holds neither its
/// client's turn nor an execution slot.
/// </summary>
internal sealed class CommandConsumerDefinition<TCommand, TSucceeded, TFailed> : ConsumerDefinition<CommandConsumer<TCommand, TSucceeded, TFailed>>
    where TCommand : class, IWachtCommand
    where TSucceeded : class, ICommandEvent
    where TFailed : class, ICommandFailedEvent
{
    private readonly MessagingOptions _options;

    public CommandConsumerDefinition(IOptions<MessagingOptions> options, ICommandHandler<TCommand, TSucceeded, TFailed> handler)
    {
        _options = options.Value;
        EndpointName = handler.Kind;
        ConcurrentMessageLimit = _options.InFlightLimit;
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
    }
}
