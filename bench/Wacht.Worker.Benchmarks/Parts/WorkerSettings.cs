using System.Globalization;

namespace Wacht.Worker.Benchmarks.Parts;

/// <summary>The worker's settings for a benchmark child (passed as <c>--set Key=Value</c>, as an operator would).</summary>
internal static class WorkerSettings
{
    public static List<string> For(ChildSpec spec)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Worker:Embedded:Enabled"] = "false",
            ["Worker:Ledger:Provider"] = "Sqlite",
            ["Worker:Ledger:SqlitePath"] = Path.Combine(spec.WorkDirectory, "ledger.db"),
            // Only RevokeGrant, the audit and the sweep are measured: no rotation, so no secret destination or key.
            ["Worker:Rotation:Enabled"] = "false",
            ["Worker:Scheduling:Enabled"] = "false",
            ["Worker:Health:BindAddress"] = "127.0.0.1",
            ["Worker:Health:Port"] = spec.HealthPort.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:Console:FormatterName"] = "simple",
        };
        foreach (var deployment in spec.Deployments)
        {
            var prefix = $"Wacht:Deployments:{deployment.Id}:";
            settings[prefix + "BaseUrl"] = spec.BaseUrl;
            settings[prefix + "ApiKeyEnvironmentVariable"] = deployment.ApiKeyVariable;
            settings[prefix + "PathStyle"] = "Backend";
            settings[prefix + "MaxConcurrentRequests"] = spec.MaxConcurrentRequests.ToString(CultureInfo.InvariantCulture);
        }

        foreach (var (key, value) in spec.Settings)
        {
            settings[key] = value;
        }

        return [.. settings.SelectMany(static p => new[] { "--set", $"{p.Key}={p.Value}" })];
    }
}
