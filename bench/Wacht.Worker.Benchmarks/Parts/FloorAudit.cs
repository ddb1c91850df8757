using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Wacht.Worker.Benchmarks.Parts;

/// <summary>
/// The audit's bare floor: the same calls (apps, clients per app, grants per client) with the same concurrency per
/// deployment, through a plain <see cref="HttpClient"/>, counting grants and nothing else: no rules, no ledger, no events.
/// What the worker adds on top of it is the worker's own cost.
/// </summary>
internal static class FloorAudit
{
    public static async Task<ChildResult> RunAsync(ChildSpec spec)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = spec.MaxConcurrentRequests * spec.Deployments.Count };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(spec.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        long calls = 0, clients = 0, grants = 0;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(spec.Deployments.Select(async deployment =>
        {
            var key = Environment.GetEnvironmentVariable(deployment.ApiKeyVariable) ?? throw new InvalidOperationException($"{deployment.ApiKeyVariable} is not set");
            using var apps = await GetAsync(http, key, "oauth/apps");
            Interlocked.Increment(ref calls);
            var slugs = apps.RootElement.GetProperty("apps").EnumerateArray().Select(static a => a.GetProperty("slug").GetString()!).ToList();
            await Parallel.ForEachAsync(
                Clients(http, key, slugs),
                new ParallelOptions { MaxDegreeOfParallelism = spec.MaxConcurrentRequests },
                async (client, ct) =>
                {
                    using var list = await GetAsync(http, key, $"oauth/apps/{client.Slug}/clients/{client.Id}/grants");
                    Interlocked.Increment(ref calls);
                    Interlocked.Increment(ref clients);
                    Interlocked.Add(ref grants, list.RootElement.GetProperty("grants").GetArrayLength());
                });

            async IAsyncEnumerable<(string Slug, string Id)> Clients(HttpClient client, string apiKey, List<string> appSlugs)
            {
                foreach (var slug in appSlugs)
                {
                    List<string> ids;
                    using (var list = await GetAsync(client, apiKey, $"oauth/apps/{slug}/clients"))
                    {
                        ids = [.. list.RootElement.GetProperty("clients").EnumerateArray().Select(static c => c.GetProperty("id").GetString()!)];
                    }

                    Interlocked.Increment(ref calls);
                    foreach (var id in ids)
                    {
                        yield return (slug, id);
                    }
                }
            }
        }));

        return new ChildResult { Seconds = stopwatch.Elapsed.TotalSeconds, Calls = calls, Clients = clients, Grants = grants };
    }

    private static async Task<JsonDocument> GetAsync(HttpClient http, string apiKey, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
    }
}
