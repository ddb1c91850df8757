using Microsoft.Extensions.Options;
using Wacht.Worker.Messaging;

namespace Wacht.Worker.Authorization;

/// <summary>Applies <see cref="CommandAuthorizationPolicy"/> with the configured policy and the worker's own broker user.</summary>
internal sealed class CommandAuthorizer(IOptions<CommandAuthorizationOptions> options, IOptions<MessagingOptions> messaging)
{
    public AuthorizationDecision Decide(string? sentBy, string command, string deploymentId, string appSlug, string? oauthClientId) =>
        CommandAuthorizationPolicy.Decide(options.Value, WorkerUser, sentBy, command, deploymentId, appSlug, oauthClientId);

    private string? WorkerUser =>
        messaging.Value.Transport == TransportKind.RabbitMq && !string.IsNullOrEmpty(messaging.Value.RabbitMq.Username)
            ? messaging.Value.RabbitMq.Username
            : null;
}
