using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wacht.Worker.Secrets;
using Wacht.Worker.Secrets.Reload;
using Wacht.Worker.Tests.Secrets.Kubernetes;
using Wacht.Worker.TestSupport;
using Wacht.Worker.TestSupport.Fakes.Webhook;

namespace Wacht.Worker.Tests.Secrets.Reload;

/// <summary>Reload actions after a delivery: rollout restarts on the fake Kubernetes API, signed webhooks on a local receiver.</summary>
public sealed class SecretReloaderTests : IAsyncLifetime
{
    private const string SigningKey = "shared-webhook-key-of-the-test";
    private static readonly SecretTarget Target = new("7283910238471", "billing-api", "7283910238471000042", "oc_Y2xpZW50LTQy_a-b");

    private readonly KubernetesWorld _world = new();
    private readonly CapturedLogs _logs = new();
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        await _world.StartAsync();
        _receiver = await WebhookReceiver.StartAsync();
        _world.Api.Put("deployments", KubernetesWorld.Namespace, "billing-api", Workload("keep-me"));
        _world.Api.Put("statefulsets", KubernetesWorld.Namespace, "billing-worker", Workload("keep-me-too"));
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _world.DisposeAsync();
    }

    [Fact]
    public async Task Run_RestartsTheWorkloadsAsKubectlDoes_AndCallsTheSignedWebhook_InOrder()
    {
        using var provider = Provider();
        var (route, request) = Resolve(provider);

        var results = await provider.GetRequiredService<SecretReloader>().RunAsync(route, request, CancellationToken.None);

        Assert.Equal(
            [("rollout-restart", "apps/deployment/billing-api", true), ("rollout-restart", "apps/statefulset/billing-worker", true), ("webhook", $"{_receiver.BaseAddress}hooks/rotated", true)],
            results.Select(r => (r.Action, r.Target, r.Succeeded)));
        foreach (var resource in new[] { "deployments", "statefulsets" })
        {
            var annotations = _world.Api.Get(resource, "apps", resource == "deployments" ? "billing-api" : "billing-worker")!["spec"]!["template"]!["metadata"]!["annotations"]!;
            Assert.True(DateTimeOffset.TryParse(annotations["kubectl.kubernetes.io/restartedAt"]!.GetValue<string>(), out _));
            Assert.NotNull(annotations["example.com/kept"]);
        }

        var call = Assert.Single(_receiver.Received);
        Assert.Equal("POST", call.Method);
        Assert.Equal("/hooks/rotated?token=abc", call.PathAndQuery);
        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SigningKey), Encoding.UTF8.GetBytes(call.Body))), call.Headers["X-Wacht-Signature"]);
        using var body = JsonDocument.Parse(call.Body);
        var fields = body.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString());
        Assert.Equal(
            ["appSlug", "clientId", "commandId", "deploymentId", "destination", "fingerprint", "key", "oauthClientId", "rotatedAt", "route", "timestamp", "type"],
            fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(call.Headers["X-Wacht-Timestamp"], fields["timestamp"]);
        Assert.Equal(request.Fingerprint, fields["fingerprint"]);
        Assert.Equal(request.Key, fields["key"]);
        Assert.Equal(request.CommandId.ToString("D"), call.Headers["X-Wacht-Delivery"]);
        Assert.DoesNotContain(SigningKey, _logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("token=abc", _logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_TransientFailures_AreRetried_EachAttemptSignedAgain()
    {
        using var provider = Provider(webhookOnly: true);
        var (route, request) = Resolve(provider);
        _receiver.Answer(503, 429);

        var result = Assert.Single(await provider.GetRequiredService<SecretReloader>().RunAsync(route, request, CancellationToken.None));

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("HTTP 204 after 3 attempts", result.Message);
        Assert.Equal(3, _receiver.Received.Count);
        Assert.All(_receiver.Received, call => Assert.Equal(
            "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SigningKey), Encoding.UTF8.GetBytes(call.Body))),
            call.Headers["X-Wacht-Signature"]));
    }

    [Fact]
    public async Task Webhook_PermanentRefusal_IsNotRetried_AndIsAFailedResult()
    {
        using var provider = Provider(webhookOnly: true);
        var (route, request) = Resolve(provider);
        _receiver.Answer(400);

        var result = Assert.Single(await provider.GetRequiredService<SecretReloader>().RunAsync(route, request, CancellationToken.None));

        Assert.Equal("HTTP 400 after 1 attempt", result.Message);
        Assert.False(result.Succeeded);
        Assert.Single(_receiver.Received);
    }

    [Fact]
    public async Task Webhook_SlowerThanItsTimeout_FailsAfterEveryAttempt_WithoutThrowing()
    {
        using var provider = Provider(webhookOnly: true, timeout: "00:00:00.5");
        var (route, request) = Resolve(provider);
        _receiver.Delay(TimeSpan.FromMinutes(1), times: 3);

        var result = Assert.Single(await provider.GetRequiredService<SecretReloader>().RunAsync(route, request, CancellationToken.None));

        Assert.False(result.Succeeded);
        Assert.Equal("no answer within 0.5 s, 3 attempts", result.Message);
    }

    [Fact]
    public async Task Webhook_Unreachable_IsAFailedResult()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var provider = Provider(webhookOnly: true, url: $"http://127.0.0.1:{closedPort}/hook");
        var (route, request) = Resolve(provider);

        var result = Assert.Single(await provider.GetRequiredService<SecretReloader>().RunAsync(route, request, CancellationToken.None));

        Assert.False(result.Succeeded);
        Assert.StartsWith("could not be reached (ConnectionError), 3 attempts", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollout_MissingWorkload_IsAFailedResult_AndTheOtherActionsStillRun()
    {
        using var provider = Provider(deployment: "gone");
        var (route, request) = Resolve(provider);

        var results = await provider.GetRequiredService<SecretReloader>().RunAsync(route, request, CancellationToken.None);

        Assert.Equal([false, true, true], results.Select(r => r.Succeeded));
        Assert.Contains("HTTP 404", results[0].Message, StringComparison.Ordinal);
        Assert.Contains(_logs.Entries, e => e.Contains("Reload rollout-restart of apps/deployment/gone failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rollout_ForbiddenPatch_IsAFailedResult()
    {
        using var provider = Provider();
        var (route, request) = Resolve(provider);
        _world.Api.RevokeAll(KubernetesWorld.User);
        _world.Api.Allow(KubernetesWorld.User, "get,create,update", "", "secrets", "apps");

        var results = await provider.GetRequiredService<SecretReloader>().RunAsync(route, request, CancellationToken.None);

        Assert.Equal([false, false, true], results.Select(r => r.Succeeded));
        Assert.Contains("HTTP 403", results[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preflight_ChecksPatchPermissionOfEveryWorkload_AndTheWebhookKey()
    {
        using var provider = Provider();
        var (route, _) = Resolve(provider);
        var reloader = provider.GetRequiredService<SecretReloader>();
        await reloader.PreflightAsync(route, CancellationToken.None);

        _world.Api.RevokeAll(KubernetesWorld.User);
        _world.Api.Allow(KubernetesWorld.User, "get,create,update", "", "secrets", "apps");
        _world.Api.Allow(KubernetesWorld.User, "patch", "apps", "deployments", "apps");
        var ex = await Assert.ThrowsAsync<SecretDestinationException>(() => reloader.PreflightAsync(route, CancellationToken.None));

        Assert.Equal(SecretDestinationFailure.Forbidden, ex.Reason);
        Assert.Equal("Rollout restart: the worker may not patch apps/statefulset/billing-worker (SelfSubjectAccessReview). Grant it patch on deployments/statefulsets in namespace apps.", ex.Message);
    }

    [Fact]
    public void Results_MapOntoTheContract()
    {
        var contract = new ReloadResult("webhook", "https://x.example/hook", false, "HTTP 500 after 3 attempts").ToContract();

        Assert.Equal(new Contracts.ReloadActionResult { Action = "webhook", Target = "https://x.example/hook", Succeeded = false, Message = "HTTP 500 after 3 attempts" }, contract);
    }

    private static JsonObject Workload(string annotation) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["spec"] = new JsonObject
        {
            ["replicas"] = 2,
            ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["example.com/kept"] = annotation } }, ["spec"] = new JsonObject() },
        },
    };

    private (SecretRoute Route, ReloadRequest Request) Resolve(ServiceProvider provider)
    {
        var route = provider.GetRequiredService<SecretRouter>().Resolve(Target)!;
        return (route, new ReloadRequest(Guid.NewGuid(), Target, route.Name, route.Destination.Name, route.Key, "0a1b2c3d4e5f", new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero)));
    }

    /// <param name="timeout">The webhook's per-attempt timeout: generous by default, so that a cold start on a busy machine is not a timeout.</param>
    private ServiceProvider Provider(bool webhookOnly = false, string? deployment = null, string? url = null, string timeout = "00:00:30")
    {
        var settings = _world.Settings().ToDictionary(s => "Worker:Secrets:Destinations:cluster:" + s.Key, s => s.Value);
        settings["Worker:Secrets:Routes:0:Match"] = "*";
        settings["Worker:Secrets:Routes:0:Destination"] = "cluster";
        var i = 0;
        if (!webhookOnly)
        {
            settings["Worker:Secrets:Routes:0:Reload:0:Kind"] = "rollout-restart";
            settings["Worker:Secrets:Routes:0:Reload:0:Deployments:0"] = deployment ?? "billing-api";
            settings["Worker:Secrets:Routes:0:Reload:0:StatefulSets:0"] = "billing-worker";
            i = 1;
        }

        settings[$"Worker:Secrets:Routes:0:Reload:{i}:Kind"] = "webhook";
        settings[$"Worker:Secrets:Routes:0:Reload:{i}:Url"] = url ?? $"{_receiver.BaseAddress}hooks/rotated?token=abc";
        settings[$"Worker:Secrets:Routes:0:Reload:{i}:SigningKey"] = SigningKey;
        settings[$"Worker:Secrets:Routes:0:Reload:{i}:Timeout"] = timeout;
        settings[$"Worker:Secrets:Routes:0:Reload:{i}:RetryDelay"] = "00:00:00.010";
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        services.AddWachtSecretDestinations();
        var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<SecretDestinationOptions>>().Value;
        return provider;
    }
}
