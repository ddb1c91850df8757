using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Wacht.Worker.TestSupport.Fakes.Kubernetes;

/// <summary>
/// A Kubernetes API server on a free loopback port that speaks the subset the worker uses, on the wire, so that the
/// official client runs unchanged against it: Secrets (get, create, replace with <c>resourceVersion</c> preconditions),
/// SelfSubjectAccessReview, and patches of Deployments and StatefulSets. Bearer tokens map to users, and an RBAC table
/// says who may do what. Faults: unreachable (connections are dropped), slow (requests about one object wait), and a
/// concurrent writer that runs just before a given write. See README.md beside it for its sources and limits.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly Dictionary<(string Kind, string Namespace, string Name), JsonObject> _objects = [];
    private readonly ConcurrentDictionary<string, string> _users = new(StringComparer.Ordinal);
    private readonly List<Rule> _rules = [];
    private readonly ConcurrentDictionary<(string Namespace, string Name), Func<Task>> _beforeWrite = new();
    private readonly ConcurrentDictionary<string, TimeSpan> _slow = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private long _resourceVersion = 1000;

    private FakeKubernetesApi(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>Namespaces that exist (creating in another one is 404, as on a real server).</summary>
    public ISet<string> Namespaces { get; } = new HashSet<string>(StringComparer.Ordinal) { "default" };

    /// <summary>When true, every connection is dropped without an answer (the server is unreachable).</summary>
    public bool Unreachable { get; set; }

    /// <summary>Every request as <c>VERB path</c>, in order.</summary>
    public IReadOnlyCollection<string> Requests => _requests;

    /// <summary>Every request body received, for checks that a secret went only where it should.</summary>
    public ConcurrentQueue<string> Bodies { get; } = new();

    public static async Task<FakeKubernetesApi> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [], EnvironmentName = Environments.Production });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        FakeKubernetesApi? fake = null;
        app.UseRouting();
        app.Use(async (context, next) =>
        {
            if (fake!.Unreachable)
            {
                context.Abort();
                return;
            }

            await next(context);
        });
        app.MapGet("/api/v1/namespaces/{ns}/secrets/{name}", (HttpContext c, string ns, string name) => fake!.GetAsync(c, "secrets", "", ns, name));
        app.MapPost("/api/v1/namespaces/{ns}/secrets", (HttpContext c, string ns) => fake!.CreateAsync(c, ns));
        app.MapPut("/api/v1/namespaces/{ns}/secrets/{name}", (HttpContext c, string ns, string name) => fake!.ReplaceAsync(c, ns, name));
        app.MapPost("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", (Func<HttpContext, Task<IResult>>)(c => fake!.ReviewAsync(c)));
        app.MapGet("/apis/apps/v1/namespaces/{ns}/{resource}/{name}", (HttpContext c, string ns, string resource, string name) => fake!.GetAsync(c, resource, "apps", ns, name));
        app.MapMethods("/apis/apps/v1/namespaces/{ns}/{resource}/{name}", ["PATCH"], (HttpContext c, string ns, string resource, string name) => fake!.PatchAsync(c, ns, resource, name));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake = new FakeKubernetesApi(app, new Uri(address));
        return fake;
    }

    /// <summary>Adds a user with a bearer token (RBAC rules then say what it may do).</summary>
    public void AddUser(string token, string user) => _users[token] = user;

    /// <summary>Allows <paramref name="user"/> the verbs on a resource (<c>*</c> for any verb, namespace or name).</summary>
    public void Allow(string user, string verbs, string group, string resource, string @namespace = "*", string name = "*")
    {
        lock (_gate)
        {
            foreach (var verb in verbs.Split(','))
            {
                _rules.Add(new Rule(user, verb.Trim(), group, resource, @namespace, name));
            }
        }
    }

    /// <summary>Removes every rule of <paramref name="user"/>.</summary>
    public void RevokeAll(string user)
    {
        lock (_gate)
        {
            _rules.RemoveAll(r => r.User == user);
        }
    }

    /// <summary>Requests about objects with this name wait this long before they are served (and are not served when the client gave up).</summary>
    public void MakeSlow(string name, TimeSpan delay) => _slow[name] = delay;

    public void ClearSlow() => _slow.Clear();

    /// <summary>Runs <paramref name="action"/> when the next write (create or replace) of this Secret arrives, before it is applied.</summary>
    public void BeforeNextWrite(string @namespace, string name, Func<Task> action) => _beforeWrite[(@namespace, name)] = action;

    /// <summary>Stores an object as it is (e.g. a Deployment to patch later), with a new resourceVersion.</summary>
    public void Put(string resource, string @namespace, string name, JsonObject body)
    {
        lock (_gate)
        {
            var metadata = body["metadata"] as JsonObject;
            Stamp(body, @namespace, name, metadata?["uid"]?.GetValue<string>(), metadata?["creationTimestamp"]?.GetValue<string>());
            _objects[(resource, @namespace, name)] = body;
        }
    }

    /// <summary>A copy of a stored object, or null.</summary>
    public JsonObject? Get(string resource, string @namespace, string name)
    {
        lock (_gate)
        {
            return _objects.TryGetValue((resource, @namespace, name), out var body) ? (JsonObject)body.DeepClone() : null;
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<IResult> GetAsync(HttpContext context, string resource, string group, string ns, string name)
    {
        Record(context);
        if (Authorize(context, "get", group, resource, ns, name) is { } refused)
        {
            return refused;
        }

        await DelayIfSlowAsync(name, context.RequestAborted);
        var body = Get(resource, ns, name);
        return body is null ? Status(HttpStatusCode.NotFound, "NotFound", $"{resource} \"{name}\" not found", name, resource) : Json(body);
    }

    private async Task<IResult> CreateAsync(HttpContext context, string ns)
    {
        Record(context);
        var body = await ReadBodyAsync(context);
        var name = body?["metadata"]?["name"]?.GetValue<string>();
        if (body is null || string.IsNullOrEmpty(name))
        {
            return Status(HttpStatusCode.BadRequest, "BadRequest", "the body must be a Secret with metadata.name", null, "secrets");
        }

        if (Authorize(context, "create", "", "secrets", ns, name) is { } refused)
        {
            return refused;
        }

        await DelayIfSlowAsync(name, context.RequestAborted);
        await RunBeforeWriteAsync(ns, name);
        lock (_gate)
        {
            if (!Namespaces.Contains(ns))
            {
                return Status(HttpStatusCode.NotFound, "NotFound", $"namespaces \"{ns}\" not found", ns, "namespaces");
            }

            if (_objects.ContainsKey(("secrets", ns, name)))
            {
                return Status(HttpStatusCode.Conflict, "AlreadyExists", $"secrets \"{name}\" already exists", name, "secrets");
            }

            Stamp(body, ns, name);
            _objects[("secrets", ns, name)] = body;
            return Json(body, HttpStatusCode.Created);
        }
    }

    private async Task<IResult> ReplaceAsync(HttpContext context, string ns, string name)
    {
        Record(context);
        if (Authorize(context, "update", "", "secrets", ns, name) is { } refused)
        {
            return refused;
        }

        var body = await ReadBodyAsync(context);
        if (body is null || body["metadata"]?["name"]?.GetValue<string>() != name)
        {
            return Status(HttpStatusCode.BadRequest, "BadRequest", "the name of the object does not match the name on the URL", name, "secrets");
        }

        await DelayIfSlowAsync(name, context.RequestAborted);
        await RunBeforeWriteAsync(ns, name);
        lock (_gate)
        {
            if (!_objects.TryGetValue(("secrets", ns, name), out var current))
            {
                return Status(HttpStatusCode.NotFound, "NotFound", $"secrets \"{name}\" not found", name, "secrets");
            }

            var expected = body["metadata"]?["resourceVersion"]?.GetValue<string>();
            var actual = current["metadata"]!["resourceVersion"]!.GetValue<string>();
            if (!string.IsNullOrEmpty(expected) && expected != actual)
            {
                return Status(
                    HttpStatusCode.Conflict,
                    "Conflict",
                    $"Operation cannot be fulfilled on secrets \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                    name,
                    "secrets");
            }

            Stamp(body, ns, name, current["metadata"]!["uid"]!.GetValue<string>(), current["metadata"]!["creationTimestamp"]!.GetValue<string>());
            _objects[("secrets", ns, name)] = body;
            return Json(body);
        }
    }

    private async Task<IResult> ReviewAsync(HttpContext context)
    {
        Record(context);
        if (UserOf(context) is not { } user)
        {
            return Status(HttpStatusCode.Unauthorized, "Unauthorized", "Unauthorized", null, null);
        }

        var body = await ReadBodyAsync(context);
        var attributes = body?["spec"]?["resourceAttributes"];
        if (body is null || attributes is null)
        {
            return Status(HttpStatusCode.BadRequest, "BadRequest", "spec.resourceAttributes is required", null, "selfsubjectaccessreviews");
        }

        var allowed = IsAllowed(
            user,
            attributes["verb"]?.GetValue<string>() ?? "",
            attributes["group"]?.GetValue<string>() ?? "",
            attributes["resource"]?.GetValue<string>() ?? "",
            attributes["namespace"]?.GetValue<string>() ?? "",
            attributes["name"]?.GetValue<string>() ?? "");
        body["status"] = new JsonObject { ["allowed"] = allowed, ["reason"] = allowed ? "allowed by the fake's RBAC table" : "" };
        return Json(body, HttpStatusCode.Created);
    }

    private async Task<IResult> PatchAsync(HttpContext context, string ns, string resource, string name)
    {
        Record(context);
        if (resource is not ("deployments" or "statefulsets"))
        {
            return Status(HttpStatusCode.NotFound, "NotFound", "the server could not find the requested resource", name, resource);
        }

        if (Authorize(context, "patch", "apps", resource, ns, name) is { } refused)
        {
            return refused;
        }

        var contentType = context.Request.ContentType ?? "";
        if (!contentType.StartsWith("application/strategic-merge-patch+json", StringComparison.Ordinal)
            && !contentType.StartsWith("application/merge-patch+json", StringComparison.Ordinal))
        {
            return Status(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", $"the fake accepts merge and strategic merge patches only, not {contentType}", name, resource);
        }

        var patch = await ReadBodyAsync(context);
        await DelayIfSlowAsync(name, context.RequestAborted);
        lock (_gate)
        {
            if (!_objects.TryGetValue((resource, ns, name), out var current))
            {
                return Status(HttpStatusCode.NotFound, "NotFound", $"{resource}.apps \"{name}\" not found", name, resource);
            }

            // Strategic merge patch equals JSON merge patch (RFC 7386) for maps, which is all a rollout restart sends.
            MergePatch(current, patch ?? []);
            current["metadata"]!["resourceVersion"] = NextVersion();
            return Json((JsonObject)current.DeepClone());
        }
    }

    private static void MergePatch(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject patchObject && target[key] is JsonObject targetObject)
            {
                MergePatch(targetObject, patchObject);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }

    private IResult? Authorize(HttpContext context, string verb, string group, string resource, string ns, string name)
    {
        if (UserOf(context) is not { } user)
        {
            return Status(HttpStatusCode.Unauthorized, "Unauthorized", "Unauthorized", null, null);
        }

        return IsAllowed(user, verb, group, resource, ns, name)
            ? null
            : Status(
                HttpStatusCode.Forbidden,
                "Forbidden",
                $"{resource} \"{name}\" is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"{group}\" in the namespace \"{ns}\"",
                name,
                resource);
    }

    private string? UserOf(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) && _users.TryGetValue(header["Bearer ".Length..], out var user) ? user : null;
    }

    private bool IsAllowed(string user, string verb, string group, string resource, string ns, string name)
    {
        lock (_gate)
        {
            return _rules.Any(r => r.User == user
                && (r.Verb == "*" || r.Verb == verb)
                && r.Group == group
                && r.Resource == resource
                && (r.Namespace == "*" || r.Namespace == ns)
                && (r.Name == "*" || (r.Name == name && verb != "create")));
        }
    }

    private async Task RunBeforeWriteAsync(string ns, string name)
    {
        if (_beforeWrite.TryRemove((ns, name), out var action))
        {
            await action();
        }
    }

    private async Task DelayIfSlowAsync(string name, CancellationToken aborted)
    {
        if (_slow.TryGetValue(name, out var delay))
        {
            await Task.Delay(delay, aborted);
        }
    }

    private void Record(HttpContext context) => _requests.Enqueue($"{context.Request.Method} {context.Request.Path}");

    private async Task<JsonObject?> ReadBodyAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        Bodies.Enqueue(text);
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Stamp(JsonObject body, string ns, string name, string? uid = null, string? created = null)
    {
        var metadata = body["metadata"] as JsonObject ?? [];
        metadata["name"] = name;
        metadata["namespace"] = ns;
        metadata["uid"] = uid ?? Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = created ?? DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        metadata["resourceVersion"] = NextVersion();
        body["metadata"] = metadata;
    }

    private string NextVersion() => Interlocked.Increment(ref _resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static IResult Json(JsonObject body, HttpStatusCode status = HttpStatusCode.OK) =>
        Results.Content(body.ToJsonString(), "application/json", statusCode: (int)status);

    /// <summary>A <c>Status</c> body as the API server sends with every error (kind, status Failure, message, reason, details, code).</summary>
    private static IResult Status(HttpStatusCode code, string reason, string message, string? name, string? kind)
    {
        var details = new JsonObject();
        if (name is not null)
        {
            details["name"] = name;
        }

        if (kind is not null)
        {
            details["kind"] = kind;
        }

        var body = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["details"] = details,
            ["code"] = (int)code,
        };
        return Json(body, code);
    }

    private sealed record Rule(string User, string Verb, string Group, string Resource, string Namespace, string Name);
}
