using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Wacht.Worker.Health;

/// <summary>
/// The JSON body of <c>/health/live</c> and <c>/health/ready</c>: the verdict and one entry per check with its status,
/// description, tags, duration and (for the worker's own checks) data. Example:
/// <code>
/// {"status":"ready","checks":{"host":{"status":"Healthy","description":"started","tags":["ready"],"duration_ms":0.1},...}}
/// </code>
/// </summary>
/// <remarks>
/// Written here rather than with the health check middleware's writer because readiness is not the report's aggregate
/// status: the Wacht reachability checks are in the body but do not count (<see cref="IsReady"/>).
/// </remarks>
internal static class HealthReportWriter
{
    /// <summary>Ready when every check tagged <see cref="HealthTags.Ready"/> is healthy (degraded is not ready); others are information.</summary>
    public static bool IsReady(HealthReport report) =>
        report.Entries.Values.Where(static e => e.Tags.Contains(HealthTags.Ready)).All(static e => e.Status == HealthStatus.Healthy);

    /// <summary>Live when every check tagged <see cref="HealthTags.Live"/> is healthy.</summary>
    public static bool IsLive(HealthReport report) =>
        report.Entries.Values.Where(static e => e.Tags.Contains(HealthTags.Live)).All(static e => e.Status == HealthStatus.Healthy);

    public static byte[] Write(HealthReport report, string verdict)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping: a JSON API response, not HTML (timestamps keep their '+').
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("status", verdict);
            json.WriteNumber("duration_ms", Math.Round(report.TotalDuration.TotalMilliseconds, 1));
            json.WriteStartObject("checks");
            foreach (var (name, entry) in report.Entries.OrderBy(static e => e.Key, StringComparer.Ordinal))
            {
                json.WriteStartObject(name);
                json.WriteString("status", entry.Status.ToString());
                if (entry.Description is { } description)
                {
                    json.WriteString("description", description);
                }

                json.WriteStartArray("tags");
                foreach (var tag in entry.Tags.Order(StringComparer.Ordinal))
                {
                    json.WriteStringValue(tag);
                }

                json.WriteEndArray();
                json.WriteNumber("duration_ms", Math.Round(entry.Duration.TotalMilliseconds, 1));
                if (entry.Data.Count > 0)
                {
                    json.WriteStartObject("data");
                    foreach (var (key, value) in entry.Data)
                    {
                        WriteValue(json, key, value);
                    }

                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteValue(Utf8JsonWriter json, string key, object? value)
    {
        switch (value)
        {
            case System.Collections.IDictionary dictionary:
                // MassTransit's bus check: endpoint address → "status - description".
                json.WriteStartObject(key);
                foreach (System.Collections.DictionaryEntry item in dictionary)
                {
                    json.WriteString(Convert.ToString(item.Key, System.Globalization.CultureInfo.InvariantCulture) ?? "", Convert.ToString(item.Value, System.Globalization.CultureInfo.InvariantCulture));
                }

                json.WriteEndObject();
                break;
            default:
                json.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }
}
