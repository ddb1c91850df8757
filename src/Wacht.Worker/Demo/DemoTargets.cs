using Wacht.Client;
using Wacht.Worker.Contracts;

namespace Wacht.Worker.Demo;

/// <summary>What the demo acts on: the first active secret-based client and the first active grant it finds.</summary>
internal sealed record DemoTargets(string RotationApp, OAuthClient RotationClient, IReadOnlyList<DesiredScope> ExistingScopes, DemoGrant? Grant)
{
    public static async Task<DemoTargets> FindAsync(IWachtClient wacht, CancellationToken cancellationToken)
    {
        DemoTargets? found = null;
        foreach (var app in (await wacht.ListOAuthAppsAsync(cancellationToken)).Where(a => a.IsActive))
        {
            var clients = await wacht.ListOAuthClientsAsync(app.Slug, cancellationToken);
            var rotatable = clients.FirstOrDefault(c => c.IsActive && ClientAuthMethods.UsesSecret(c.ClientAuthMethod));
            if (rotatable is null)
            {
                continue;
            }

            // The existing live scopes as they are (archived ones stay archived: "keep" leaves scopes the list lacks
            // alone), so the sync only adds the demo's new scope.
            var existing = app.ScopeDefinitions
                .Where(d => !d.Archived)
                .Select(d => new DesiredScope { Scope = d.Scope, DisplayName = d.DisplayName, Description = d.Description })
                .ToList();
            found ??= new DemoTargets(app.Slug, rotatable, existing, null);

            foreach (var client in clients.Where(c => c.IsActive && c.Id != rotatable.Id))
            {
                var grants = await wacht.ListOAuthGrantsAsync(app.Slug, client.Id, cancellationToken);
                if (grants.FirstOrDefault(g => g.Status == GrantStatuses.Active) is { } grant)
                {
                    return found with { Grant = new DemoGrant(app.Slug, client.Id, grant.Id) };
                }
            }
        }

        return found ?? throw new InvalidOperationException("The deployment has no active app with an active client that uses a secret; nothing to demonstrate.");
    }
}

/// <summary>A grant the demo revokes.</summary>
internal sealed record DemoGrant(string AppSlug, string OAuthClientId, string GrantId);
