using Wacht.Client;

namespace Wacht.Worker.Jobs;

/// <summary>One client reached by <see cref="InventoryWalker"/>, with its deployment's API client and its app as listed.</summary>
public sealed record ClientVisit(string DeploymentId, IWachtClient Wacht, OAuthApp App, OAuthClient Client);
