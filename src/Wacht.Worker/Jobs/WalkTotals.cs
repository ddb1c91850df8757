using Wacht.Worker.Contracts;

namespace Wacht.Worker.Jobs;

/// <summary>What <see cref="InventoryWalker.WalkAsync"/> covered.</summary>
/// <param name="Deployments">Deployments walked (filters permitting), including failed ones.</param>
/// <param name="Apps">Apps whose clients were listed.</param>
/// <param name="Clients">Clients handed to the visitor.</param>
/// <param name="FailedClients">Clients whose visit threw (each has an entry in <paramref name="Errors"/>).</param>
/// <param name="Errors">Deployments, apps and clients that could not be walked or visited, in no particular order.</param>
public sealed record WalkTotals(int Deployments, int Apps, int Clients, int FailedClients, IReadOnlyList<JobError> Errors);
