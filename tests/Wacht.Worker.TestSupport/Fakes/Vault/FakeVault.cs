using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Wacht.Worker.TestSupport.Fakes.Vault;

/// <summary>
/// A HashiCorp Vault server on a free loopback port that speaks, on the wire, the subset the vault destination uses:
/// KV v2 read and write with check-and-set (<c>/v1/{mount}/data/{path}</c>), <c>sys/capabilities-self</c>, AppRole and
/// Kubernetes logins, tokens with policies (path globs and capabilities) and leases, an optional namespace. Faults:
/// unreachable, slow, and a concurrent writer just before a given write. See README.md in Fakes/ for sources and limits.
/// </summary>
public sealed class FakeVault : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<KvVersion>> _secrets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TokenEntry> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string SecretId, string Policy, TimeSpan Ttl)> _appRoles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Jwt, string Policy, TimeSpan Ttl)> _kubernetesRoles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(string Glob, string[] Capabilities)>> _policies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Func<Task>> _beforeWrite = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TimeSpan> _slow = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private WebApplication? _app;

    private FakeVault()
    {
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The KV v2 mounts (others answer 404 "no handler for route").</summary>
    public ISet<string> Mounts { get; } = new HashSet<string>(StringComparer.Ordinal) { "secret" };

    /// <summary>When set, every request must carry <c>X-Vault-Namespace</c> with this value (else its token is unknown there).</summary>
    public string? Namespace { get; set; }

    /// <summary>When true, every connection is dropped without an answer.</summary>
    public bool Unreachable { get; set; }

    /// <summary>Every request as <c>VERB path</c>, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Every request body received.</summary>
    public ConcurrentQueue<string> Bodies { get; } = new();

    /// <summary>Every answer body sent (to check that no error answer echoes a secret).</summary>
    public ConcurrentQueue<string> Answers { get; } = new();

    /// <summary>Logins accepted so far.</summary>
    public int Logins { get; private set; }

    /// <summary>The fake's clock for token expiry.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    public static async Task<FakeVault> StartAsync()
    {
        var fake = new FakeVault();
        (fake._app, fake.BaseAddress) = await FakeHost.StartAsync(
            app =>
            {
                app.MapGet("/v1/{**path}", (HttpContext c, string path) => fake.GetAsync(c, path));
                app.MapPost("/v1/{**path}", (HttpContext c, string path) => fake.PostAsync(c, path));
                app.MapPut("/v1/{**path}", (HttpContext c, string path) => fake.PostAsync(c, path));
            },
            () => fake.Unreachable);
        return fake;
    }

    /// <summary>Defines a policy: path globs (a trailing <c>*</c> matches any suffix) and their capabilities.</summary>
    public void SetPolicy(string name, params (string Glob, string Capabilities)[] rules)
    {
        lock (_gate)
        {
            _policies[name] = [.. rules.Select(r => (r.Glob, r.Capabilities.Split(',', StringSplitOptions.TrimEntries)))];
        }
    }

    /// <summary>Adds a token with a policy; <paramref name="ttl"/> null: no expiry.</summary>
    public void AddToken(string token, string policy, TimeSpan? ttl = null)
    {
        lock (_gate)
        {
            _tokens[token] = new TokenEntry(policy, ttl is { } t ? Clock.GetUtcNow() + t : null);
        }
    }

    public void RevokeToken(string token)
    {
        lock (_gate)
        {
            _tokens.Remove(token);
        }
    }

    /// <summary>Revokes every token issued by a login (as when their leases end).</summary>
    public void RevokeLoginTokens()
    {
        lock (_gate)
        {
            foreach (var token in _tokens.Where(t => t.Key.StartsWith("hvs.login.", StringComparison.Ordinal)).Select(t => t.Key).ToList())
            {
                _tokens.Remove(token);
            }
        }
    }

    public void AddAppRole(string roleId, string secretId, string policy, TimeSpan ttl)
    {
        lock (_gate)
        {
            _appRoles[roleId] = (secretId, policy, ttl);
        }
    }

    public void AddKubernetesRole(string role, string jwt, string policy, TimeSpan ttl)
    {
        lock (_gate)
        {
            _kubernetesRoles[role] = (jwt, policy, ttl);
        }
    }

    /// <summary>Requests about this KV path (<c>mount/path</c>) wait this long (an abandoned write is not applied).</summary>
    public void MakeSlow(string path, TimeSpan delay) => _slow[path] = delay;

    public void ClearSlow() => _slow.Clear();

    /// <summary>The next <paramref name="times"/> KV requests with this method (GET or POST) are answered 503 "Vault is sealed", unapplied.</summary>
    public void FailNext(string method, int times) => _failures[method] = times;

    /// <summary>Runs <paramref name="action"/> when the next write of this KV path (<c>mount/path</c>) arrives, before it is applied.</summary>
    public void BeforeNextWrite(string path, Func<Task> action) => _beforeWrite[path] = action;

    /// <summary>Stores a version directly (as another client would), returns its number.</summary>
    public int Write(string path, JsonObject data)
    {
        lock (_gate)
        {
            var versions = VersionsOf(path, create: true)!;
            versions.Add(new KvVersion(versions.Count + 1, (JsonObject)data.DeepClone(), DateTimeOffset.UtcNow));
            return versions.Count;
        }
    }

    /// <summary>Soft-deletes the latest version (as <c>vault kv delete</c>).</summary>
    public void DeleteLatest(string path)
    {
        lock (_gate)
        {
            var versions = VersionsOf(path, create: false)!;
            versions[^1] = versions[^1] with { Deleted = true };
        }
    }

    /// <summary>The latest version's number and data (null: deleted), or null when the path was never written.</summary>
    public (int Version, JsonObject? Data)? Latest(string path)
    {
        lock (_gate)
        {
            var versions = VersionsOf(path, create: false);
            return versions is null or { Count: 0 } ? null : (versions[^1].Number, versions[^1].Deleted ? null : (JsonObject)versions[^1].Data.DeepClone());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task<IResult> GetAsync(HttpContext context, string path)
    {
        Requests.Enqueue($"GET /v1/{path}");
        if (Authorize(context, out var policy) is { } refused)
        {
            return refused;
        }

        if (!TrySplitKv(path, out var mount, out var kvPath))
        {
            return Error(HttpStatusCode.NotFound, $"no handler for route \"{path}\". route entry not found.");
        }

        if (Sealed("GET"))
        {
            return Error(HttpStatusCode.ServiceUnavailable, "Vault is sealed");
        }

        if (!Allowed(policy!, path, "read"))
        {
            return PermissionDenied();
        }

        await FakeHost.DelayAsync(_slow.TryGetValue($"{mount}/{kvPath}", out var d) ? d : null, context);
        lock (_gate)
        {
            var versions = VersionsOf($"{mount}/{kvPath}", create: false);
            if (versions is null or { Count: 0 })
            {
                return Answer(HttpStatusCode.NotFound, new JsonObject { ["errors"] = new JsonArray() });
            }

            var latest = versions[^1];
            var data = new JsonObject { ["data"] = latest.Deleted ? null : latest.Data.DeepClone(), ["metadata"] = Metadata(latest) };
            return latest.Deleted
                ? Answer(HttpStatusCode.NotFound, Envelope(data))
                : Answer(HttpStatusCode.OK, Envelope(data));
        }
    }

    private async Task<IResult> PostAsync(HttpContext context, string path)
    {
        Requests.Enqueue($"{context.Request.Method} /v1/{path}");
        var text = await FakeHost.ReadBodyAsync(context);
        Bodies.Enqueue(text);
        JsonObject? body;
        try
        {
            body = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body is null)
        {
            return Error(HttpStatusCode.BadRequest, "failed to parse JSON input");
        }

        if (path.StartsWith("auth/", StringComparison.Ordinal) && path.EndsWith("/login", StringComparison.Ordinal))
        {
            return Login(context, path, body);
        }

        if (Authorize(context, out var policy) is { } refused)
        {
            return refused;
        }

        if (path == "sys/capabilities-self")
        {
            var answer = new JsonObject();
            var all = new JsonArray();
            foreach (var p in body["paths"] as JsonArray ?? [])
            {
                var caps = Capabilities(policy!, p!.GetValue<string>());
                answer[p.GetValue<string>()] = new JsonArray([.. caps.Select(c => (JsonNode)c)]);
                foreach (var c in caps)
                {
                    all.Add(c);
                }
            }

            answer["capabilities"] = all;
            answer["data"] = answer.DeepClone();
            return Answer(HttpStatusCode.OK, answer);
        }

        if (!TrySplitKv(path, out var mount, out var kvPath))
        {
            return Error(HttpStatusCode.NotFound, $"no handler for route \"{path}\". route entry not found.");
        }

        if (Sealed("POST"))
        {
            return Error(HttpStatusCode.ServiceUnavailable, "Vault is sealed");
        }

        var key = $"{mount}/{kvPath}";
        var exists = Latest(key) is not null;
        if (!Allowed(policy!, path, exists ? "update" : "create"))
        {
            return PermissionDenied();
        }

        if (body["data"] is not JsonObject data)
        {
            return Error(HttpStatusCode.BadRequest, "no data provided");
        }

        await FakeHost.DelayAsync(_slow.TryGetValue(key, out var delay) ? delay : null, context);
        if (_beforeWrite.TryRemove(key, out var action))
        {
            await action();
        }

        lock (_gate)
        {
            var versions = VersionsOf(key, create: true)!;
            if (body["options"]?["cas"] is { } casNode && casNode.GetValue<int>() != versions.Count)
            {
                return Error(HttpStatusCode.BadRequest, "check-and-set parameter did not match the current version");
            }

            var version = new KvVersion(versions.Count + 1, (JsonObject)data.DeepClone(), DateTimeOffset.UtcNow);
            versions.Add(version);
            return Answer(HttpStatusCode.OK, Envelope(Metadata(version)));
        }
    }

    private IResult Login(HttpContext context, string path, JsonObject body)
    {
        if (!NamespaceMatches(context))
        {
            return Error(HttpStatusCode.BadRequest, "invalid role or secret ID");
        }

        var method = path["auth/".Length..^"/login".Length];
        (string Policy, TimeSpan Ttl)? granted = null;
        lock (_gate)
        {
            if (method == "approle"
                && body["role_id"]?.GetValue<string>() is { } roleId
                && _appRoles.TryGetValue(roleId, out var role)
                && body["secret_id"]?.GetValue<string>() == role.SecretId)
            {
                granted = (role.Policy, role.Ttl);
            }
            else if (method == "kubernetes"
                && body["role"]?.GetValue<string>() is { } name
                && _kubernetesRoles.TryGetValue(name, out var k8s)
                && body["jwt"]?.GetValue<string>() == k8s.Jwt)
            {
                granted = (k8s.Policy, k8s.Ttl);
            }
            else if (method is not ("approle" or "kubernetes"))
            {
                return Error(HttpStatusCode.NotFound, $"no handler for route \"{path}\". route entry not found.");
            }

            if (granted is null)
            {
                return method == "approle" ? Error(HttpStatusCode.BadRequest, "invalid role or secret ID") : PermissionDenied();
            }

            var token = "hvs.login." + Guid.NewGuid().ToString("N");
            _tokens[token] = new TokenEntry(granted.Value.Policy, Clock.GetUtcNow() + granted.Value.Ttl);
            Logins++;
            return Answer(HttpStatusCode.OK, new JsonObject
            {
                ["request_id"] = Guid.NewGuid().ToString(),
                ["lease_id"] = "",
                ["renewable"] = false,
                ["lease_duration"] = 0,
                ["data"] = null,
                ["auth"] = new JsonObject
                {
                    ["client_token"] = token,
                    ["accessor"] = Guid.NewGuid().ToString("N"),
                    ["policies"] = new JsonArray("default", granted.Value.Policy),
                    ["token_policies"] = new JsonArray("default", granted.Value.Policy),
                    ["lease_duration"] = (long)granted.Value.Ttl.TotalSeconds,
                    ["renewable"] = true,
                    ["entity_id"] = Guid.NewGuid().ToString(),
                    ["token_type"] = "service",
                    ["orphan"] = true,
                },
            });
        }
    }

    private bool Sealed(string method)
    {
        while (_failures.TryGetValue(method, out var left) && left > 0)
        {
            if (_failures.TryUpdate(method, left - 1, left))
            {
                return true;
            }
        }

        return false;
    }

    private IResult? Authorize(HttpContext context, out string? policy)
    {
        policy = null;
        var token = context.Request.Headers["X-Vault-Token"].ToString();
        lock (_gate)
        {
            if (!NamespaceMatches(context) || token.Length == 0 || !_tokens.TryGetValue(token, out var entry)
                || (entry.Expires is { } expires && Clock.GetUtcNow() >= expires))
            {
                return PermissionDenied();
            }

            policy = entry.Policy;
            return null;
        }
    }

    private bool NamespaceMatches(HttpContext context)
    {
        var header = context.Request.Headers["X-Vault-Namespace"].ToString().Trim('/');
        return Namespace is null ? header.Length == 0 : header == Namespace;
    }

    private bool Allowed(string policy, string apiPath, string capability)
    {
        var caps = Capabilities(policy, apiPath);
        return !caps.Contains("deny") && (caps.Contains(capability) || caps.Contains("root"));
    }

    /// <summary>The capabilities of the most specific matching rule (Vault: the longest matching path wins), else deny.</summary>
    private List<string> Capabilities(string policy, string apiPath)
    {
        lock (_gate)
        {
            if (!_policies.TryGetValue(policy, out var rules))
            {
                return ["deny"];
            }

            var match = rules
                .Where(r => r.Glob.EndsWith('*') ? apiPath.StartsWith(r.Glob[..^1], StringComparison.Ordinal) : apiPath == r.Glob)
                .OrderByDescending(r => r.Glob.Length)
                .Select(r => r.Capabilities)
                .FirstOrDefault();
            return match is null ? ["deny"] : [.. match];
        }
    }

    private bool TrySplitKv(string apiPath, out string mount, out string path)
    {
        foreach (var m in Mounts.OrderByDescending(m => m.Length))
        {
            var prefix = m + "/data/";
            if (apiPath.StartsWith(prefix, StringComparison.Ordinal) && apiPath.Length > prefix.Length)
            {
                mount = m;
                path = apiPath[prefix.Length..];
                return true;
            }
        }

        mount = path = "";
        return false;
    }

    private List<KvVersion>? VersionsOf(string key, bool create)
    {
        if (!_secrets.TryGetValue(key, out var versions) && create)
        {
            versions = [];
            _secrets[key] = versions;
        }

        return versions;
    }

    private static JsonObject Metadata(KvVersion version) => new()
    {
        ["created_time"] = version.Created.ToString("O", CultureInfo.InvariantCulture),
        ["custom_metadata"] = null,
        ["deletion_time"] = version.Deleted ? DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) : "",
        ["destroyed"] = false,
        ["version"] = version.Number,
    };

    private static JsonObject Envelope(JsonObject data) => new()
    {
        ["request_id"] = Guid.NewGuid().ToString(),
        ["lease_id"] = "",
        ["renewable"] = false,
        ["lease_duration"] = 0,
        ["data"] = data,
        ["wrap_info"] = null,
        ["warnings"] = null,
        ["auth"] = null,
    };

    private IResult PermissionDenied() => Error(HttpStatusCode.Forbidden, "permission denied");

    private IResult Error(HttpStatusCode status, string message) =>
        Answer(status, new JsonObject { ["errors"] = new JsonArray(message) });

    private IResult Answer(HttpStatusCode status, JsonObject body)
    {
        var text = body.ToJsonString();
        Answers.Enqueue(text);
        return Results.Content(text, "application/json", statusCode: (int)status);
    }

    private sealed record KvVersion(int Number, JsonObject Data, DateTimeOffset Created, bool Deleted = false);

    private sealed record TokenEntry(string Policy, DateTimeOffset? Expires);
}
