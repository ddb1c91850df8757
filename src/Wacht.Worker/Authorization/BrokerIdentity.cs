using MassTransit;

namespace Wacht.Worker.Authorization;

/// <summary>
/// The broker user behind a message. RabbitMQ validates the <c>user_id</c> property of every message it accepts: it
/// must equal the publishing connection's user (or the connection's user must be allowed to impersonate), else the
/// broker refuses the message. So a <c>user_id</c> on a consumed message names who sent it, and the worker can trust
/// it where it trusts nothing else the sender wrote (<c>RequestedBy</c> is free text).
/// </summary>
internal static class BrokerIdentity
{
    /// <summary>The validated sender of a consumed message, or null (no user_id, or a transport that validates none).</summary>
    public static string? SentBy(ConsumeContext context) =>
        context.ReceiveContext is RabbitMqBasicConsumeContext rabbit && !string.IsNullOrEmpty(rabbit.Properties.UserId)
            ? rabbit.Properties.UserId
            : null;

    /// <summary>
    /// Stamps every message this bus sends or publishes with <paramref name="user"/> as its <c>user_id</c>: the
    /// connection's own user, so the broker accepts it and consumers (this worker's command pipeline included) know the
    /// worker sent it. The scheduled jobs' commands pass the authorisation policy this way.
    /// </summary>
    public static void StampSends(IBusFactoryConfigurator bus, string user)
    {
        bus.ConfigureSend(send => send.UseExecute(context =>
        {
            if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
            {
                rabbit.BasicProperties.UserId = user;
            }
        }));
    }
}
