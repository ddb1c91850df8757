using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Wacht.Worker.Ledger;

namespace Wacht.Worker.Health;

/// <summary>
/// Ready when the ledger answers a read (the lookup of a command id that never exists), on SQLite or PostgreSQL. A
/// command cannot run without its ledger, so a ledger that does not answer makes the worker not ready.
/// </summary>
internal sealed class LedgerHealthCheck(ICommandLedger ledger, IOptions<LedgerOptions> options) : IHealthCheck
{
    public const string Name = "ledger";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["provider"] = options.Value.Provider.ToString() };
        try
        {
            await ledger.FindAsync(Guid.Empty, cancellationToken);
            return HealthCheckResult.Healthy("answers", data);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The type only: a driver's message may name hosts and users, and this body is served without authentication.
            return HealthCheckResult.Unhealthy($"does not answer ({exception.GetType().Name})", data: data);
        }
    }
}
