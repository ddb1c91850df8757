using Wacht.Client;
using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Grants;

/// <summary>
/// Executes <see cref="RevokeGrant"/>. Revocation is idempotent on the platform, but it also answers 200 for a grant
/// that does not exist, so the worker reads the client's grants first: an unknown grant is <c>not_found</c>, an already
/// revoked one succeeds with <see cref="GrantRevoked.AlreadyRevoked"/> and no write call.
/// </summary>
internal sealed class RevokeGrantHandler(TimeProvider time) : ICommandHandler<RevokeGrant, GrantRevoked, GrantRevocationFailed>
{
    public const string CommandKind = "revoke-grant";

    public string Kind => CommandKind;

    public CommandTarget Target(RevokeGrant command) =>
        new(command.OAuthClientId, LockKeys.Client(command.DeploymentId, command.OAuthClientId));

    public void Validate(RevokeGrant command, CommandFields fields) => fields
        .DecimalId(nameof(RevokeGrant.OAuthClientId), command.OAuthClientId)
        .DecimalId(nameof(RevokeGrant.GrantId), command.GrantId);

    public IEnumerable<string?> MeaningfulFields(RevokeGrant command) =>
        [command.DeploymentId, command.AppSlug, command.OAuthClientId, command.GrantId];

    public async Task<CommandResult<GrantRevoked>> ExecuteAsync(RevokeGrant command, CommandExecution execution, CancellationToken cancellationToken)
    {
        var client = execution.Wacht;
        var grants = await client.ListOAuthGrantsAsync(command.AppSlug, command.OAuthClientId, cancellationToken);
        var grant = grants.FirstOrDefault(g => string.Equals(g.Id, command.GrantId, StringComparison.Ordinal))
            ?? throw new CommandFailureException(new CommandFailure(
                ErrorCodes.NotFound,
                $"Grant {command.GrantId} is not a grant of OAuth client {command.OAuthClientId} in app '{command.AppSlug}' of deployment {command.DeploymentId}.",
                Retryable: false,
                Transient: false));

        var alreadyRevoked = string.Equals(grant.Status, GrantStatuses.Revoked, StringComparison.Ordinal);
        if (!alreadyRevoked)
        {
            await client.RevokeOAuthGrantAsync(command.AppSlug, command.OAuthClientId, command.GrantId, cancellationToken);
        }

        return new CommandResult<GrantRevoked>(new GrantRevoked
        {
            CommandId = command.CommandId,
            DeploymentId = command.DeploymentId,
            AppSlug = command.AppSlug,
            OAuthClientId = command.OAuthClientId,
            GrantId = command.GrantId,
            AlreadyRevoked = alreadyRevoked,
            RevokedAt = alreadyRevoked ? grant.RevokedAt ?? time.GetUtcNow() : time.GetUtcNow(),
            Resource = grant.Resource,
            Scopes = grant.Scopes,
            Trigger = command.Trigger,
            RequestedBy = command.RequestedBy,
            Reason = command.Reason,
            SentBy = execution.SentBy,
        });
    }

    public GrantRevocationFailed Failed(RevokeGrant command, CommandFailure failure, FailureDetails details) => FailureEcho.Bound(new GrantRevocationFailed
    {
        CommandId = command.CommandId,
        DeploymentId = command.DeploymentId ?? "",
        AppSlug = command.AppSlug ?? "",
        OAuthClientId = command.OAuthClientId ?? "",
        GrantId = command.GrantId ?? "",
        FailedAt = time.GetUtcNow(),
        ErrorCode = failure.Code,
        Message = failure.Message,
        Retryable = failure.Retryable,
        FieldErrors = details.FieldErrors,
        Trigger = command.Trigger ?? CommandTriggers.Command,
        RequestedBy = command.RequestedBy,
        Reason = command.Reason,
        SentBy = details.SentBy,
    });
}
