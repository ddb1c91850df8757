using Wacht.Client;

namespace Wacht.Worker.Jobs;

/// <summary>One app reached by <see cref="InventoryWalker.WalkAppsAsync"/>, with its deployment's API client, as listed.</summary>
public sealed record AppVisit(string DeploymentId, IWachtClient Wacht, OAuthApp App);
