using Microsoft.Extensions.Options;
using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;
using Wacht.Worker.Messaging;

namespace Wacht.Worker.Scopes;

/// <summary>Queue <c>sync-scopes</c>: one partition per app.</summary>
internal sealed class SyncScopesConsumerDefinition(IOptions<MessagingOptions> options)
    : CommandConsumerDefinition<SyncScopesConsumer, SyncScopes>(options)
{
    protected override string PartitionKey(SyncScopes message) => LockKeys.App(message.DeploymentId, message.AppSlug);
}
