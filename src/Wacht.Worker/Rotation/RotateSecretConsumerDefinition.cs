using Microsoft.Extensions.Options;
using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;
using Wacht.Worker.Messaging;

namespace Wacht.Worker.Rotation;

/// <summary>Queue <c>rotate-secret</c>: one partition per OAuth client.</summary>
internal sealed class RotateSecretConsumerDefinition(IOptions<MessagingOptions> options)
    : CommandConsumerDefinition<RotateSecretConsumer, RotateSecret>(options)
{
    protected override string PartitionKey(RotateSecret message) => LockKeys.Client(message.DeploymentId, message.OAuthClientId);
}
