using Microsoft.Extensions.Options;
using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;
using Wacht.Worker.Messaging;

namespace Wacht.Worker.Grants;

/// <summary>Queue <c>revoke-grant</c>: one partition per OAuth client.</summary>
internal sealed class RevokeGrantConsumerDefinition(IOptions<MessagingOptions> options)
    : CommandConsumerDefinition<RevokeGrantConsumer, RevokeGrant>(options)
{
    protected override string PartitionKey(RevokeGrant message) => LockKeys.Client(message.DeploymentId, message.OAuthClientId);
}
