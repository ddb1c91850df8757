using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Wacht.Client;
using Wacht.Worker.Secrets;
using Wacht.Worker.Secrets.Kubernetes;

namespace Wacht.Worker.Tests.Secrets.Kubernetes;

/// <summary>What the Kubernetes destination does beyond the contract: the Secret's shape, the 409 loop, RBAC and API errors.</summary>
public sealed class KubernetesSecretDestinationTests : IAsyncLifetime
{
    private static readonly DateTimeOffset RotatedAt = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private static readonly SecretTarget Target = new("7283910238471", "billing-api", "7283910238471000042", "oc_Y2xpZW50LTQy_a-b");
    private const string Key = "apps/wacht-billing-api-7283910238471000042";
    private const string Name = "wacht-billing-api-7283910238471000042";

    private readonly KubernetesWorld _world = new();
    private KubernetesSecretDestination _destination = null!;

    public async Task InitializeAsync()
    {
        await _world.StartAsync();
        _destination = _world.Destination(NullLoggerFactory.Instance);
    }

    public async Task DisposeAsync()
    {
        _destination.Dispose();
        await _world.DisposeAsync();
    }

    [Fact]
    public void KeyFor_IsNamespaceAndSecretName_FromTheDefaultOrTheRoutesTemplate()
    {
        Assert.Equal(Key, _destination.KeyFor(Target, null));
        Assert.Equal("apps/billing-api.7283910238471000042", _destination.KeyFor(Target, "{appSlug}.{oauthClientId}"));
        var ex = Assert.Throws<SecretKeyException>(() => _destination.KeyFor(Target, "app-{clientId}"));
        Assert.Equal("clientId", ex.ParamName);
    }

    [Fact]
    public async Task Deliver_WritesOneOpaqueSecret_WithTheTwoKeys_AndAnnotationsThatNameButNeverHoldTheSecret()
    {
        var delivery = Delivery("oc_secret_k8s_first");

        await _destination.DeliverAsync(Key, delivery, CancellationToken.None);

        var secret = _world.Api.Get("secrets", "apps", Name)!;
        Assert.Equal("Opaque", secret["type"]!.GetValue<string>());
        Assert.Equal(Target.ClientId, Decode(secret["data"]!["client_id"]));
        Assert.Equal("oc_secret_k8s_first", Decode(secret["data"]!["client_secret"]));
        Assert.Equal(2, secret["data"]!.AsObject().Count);
        var annotations = secret["metadata"]!["annotations"]!;
        Assert.Equal(delivery.Secret.Fingerprint, annotations["wacht.io/fingerprint"]!.GetValue<string>());
        Assert.Equal("2026-03-04T05:06:07.0000000Z", annotations["wacht.io/rotated-at"]!.GetValue<string>());
        Assert.Equal(delivery.CommandId.ToString("D"), annotations["wacht.io/command-id"]!.GetValue<string>());
        Assert.Equal("team-billing", annotations["example.com/owner"]!.GetValue<string>());
        var labels = secret["metadata"]!["labels"]!;
        Assert.Equal("wacht-worker", labels["app.kubernetes.io/managed-by"]!.GetValue<string>());
        Assert.Equal("billing", labels["app.kubernetes.io/part-of"]!.GetValue<string>());
        Assert.DoesNotContain("oc_secret_k8s_first", secret["metadata"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes("oc_secret_k8s_first")), secret["metadata"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_OverASecretSomeoneElseCreated_KeepsItsOtherKeysLabelsAndAnnotations()
    {
        _world.Api.Put("secrets", "apps", Name, JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Secret","type":"Opaque",
             "metadata":{"labels":{"team":"billing"},"annotations":{"note":"made by hand"}},
             "data":{"ca.crt":"Y2E=","client_secret":"b2xk"}}
            """)!.AsObject());

        var result = await _destination.DeliverAsync(Key, Delivery("oc_secret_k8s_first"), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Written, result.Outcome);
        var secret = _world.Api.Get("secrets", "apps", Name)!;
        Assert.Equal("ca", Decode(secret["data"]!["ca.crt"]));
        Assert.Equal("oc_secret_k8s_first", Decode(secret["data"]!["client_secret"]));
        Assert.Equal("billing", secret["metadata"]!["labels"]!["team"]!.GetValue<string>());
        Assert.Equal("made by hand", secret["metadata"]!["annotations"]!["note"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deliver_ConflictOnReplace_ReadsAgainAndDecidesAgain()
    {
        var older = Delivery("oc_secret_k8s_older");
        var newer = Delivery("oc_secret_k8s_newer", RotatedAt.AddMinutes(1));
        var mine = Delivery("oc_secret_k8s_mine", RotatedAt.AddSeconds(30));
        await _destination.DeliverAsync(Key, older, CancellationToken.None);
        var other = _world.Destination(NullLoggerFactory.Instance);
        _world.Api.BeforeNextWrite("apps", Name, () => other.DeliverAsync(Key, newer, CancellationToken.None));
        var before = _world.Api.Requests.Count;

        var result = await _destination.DeliverAsync(Key, mine, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.NewerPresent, result.Outcome);
        Assert.Equal(newer.Stamp, result.Present);
        var mineRequests = _world.Api.Requests.Skip(before).Where(r => r.Contains(Name, StringComparison.Ordinal)).ToList();
        // Mine: GET, PUT (answered 409 after the other's GET and PUT), GET again.
        Assert.Equal(["GET", "PUT", "GET", "PUT", "GET"], mineRequests.Select(r => r.Split(' ')[0]));
        Assert.Equal("oc_secret_k8s_newer", (await _destination.ReadAsync(Key, CancellationToken.None))!.Secret.Reveal());
    }

    [Fact]
    public async Task Deliver_ConflictOnCreate_ReadsAgain()
    {
        var theirs = Delivery("oc_secret_k8s_theirs", RotatedAt);
        var mine = Delivery("oc_secret_k8s_mine", RotatedAt.AddSeconds(30));
        var other = _world.Destination(NullLoggerFactory.Instance);
        _world.Api.BeforeNextWrite("apps", Name, () => other.DeliverAsync(Key, theirs, CancellationToken.None));

        var result = await _destination.DeliverAsync(Key, mine, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Written, result.Outcome);
        Assert.Contains(_world.Api.Requests, r => r.StartsWith("POST", StringComparison.Ordinal));
        Assert.Equal("oc_secret_k8s_mine", (await _destination.ReadAsync(Key, CancellationToken.None))!.Secret.Reveal());
    }

    [Fact]
    public async Task Deliver_AWriterThatNeverStops_GivesUpAsConflict_WithoutWriting()
    {
        await _destination.DeliverAsync(Key, Delivery("oc_secret_k8s_first"), CancellationToken.None);
        void Interfere() => _world.Api.BeforeNextWrite("apps", Name, () =>
        {
            var current = _world.Api.Get("secrets", "apps", Name)!;
            _world.Api.Put("secrets", "apps", Name, current);
            Interfere();
            return Task.CompletedTask;
        });
        Interfere();

        var ex = await Assert.ThrowsAsync<SecretDestinationException>(() => _destination.DeliverAsync(Key, Delivery("oc_secret_k8s_second", RotatedAt.AddMinutes(1)), CancellationToken.None));

        Assert.Equal(SecretDestinationFailure.Conflict, ex.Reason);
        Assert.Equal("oc_secret_k8s_first", (await _destination.ReadAsync(Key, CancellationToken.None))!.Secret.Reveal());
    }

    [Fact]
    public async Task Deliver_ApiSlowerThanTheRequestTimeout_IsUnreachable_AndWritesNothing()
    {
        await _destination.DeliverAsync(Key, Delivery("oc_secret_k8s_first"), CancellationToken.None);
        var settings = _world.Settings();
        settings["RequestTimeout"] = "00:00:01";
        using var impatient = _world.Destination(NullLoggerFactory.Instance, settings);
        _world.Api.MakeSlow(Name, TimeSpan.FromMinutes(1));

        var ex = await Assert.ThrowsAsync<SecretDestinationException>(() => impatient.DeliverAsync(Key, Delivery("oc_secret_k8s_second", RotatedAt.AddMinutes(1)), CancellationToken.None));

        Assert.Equal(SecretDestinationFailure.Unreachable, ex.Reason);
        Assert.Equal($"Kubernetes destination 'cluster' could not read secret {Key}: the API server did not answer within 1 s.", ex.Message);
        _world.Api.ClearSlow();
        Assert.Equal("oc_secret_k8s_first", (await _destination.ReadAsync(Key, CancellationToken.None))!.Secret.Reveal());
    }

    [Fact]
    public async Task Preflight_RbacWithoutUpdate_NamesTheMissingVerb()
    {
        _world.Api.RevokeAll(KubernetesWorld.User);
        _world.Api.Allow(KubernetesWorld.User, "get,create", "", "secrets", "apps");

        var ex = await Assert.ThrowsAsync<SecretDestinationException>(() => _destination.PreflightAsync(Key, Target, CancellationToken.None));

        Assert.Equal(SecretDestinationFailure.Forbidden, ex.Reason);
        Assert.Equal(
            "Kubernetes destination 'cluster': the worker may not update secret apps/wacht-billing-api-7283910238471000042 (SelfSubjectAccessReview). Grant it get, create and update on secrets in namespace apps.",
            ex.Message);
        Assert.Contains("POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews", _world.Api.Requests);
    }

    [Fact]
    public async Task Deliver_IntoANamespaceThatDoesNotExist_IsInvalid_WithTheApisReason()
    {
        _world.Api.Namespaces.Remove("apps");

        var ex = await Assert.ThrowsAsync<SecretDestinationException>(() => _destination.DeliverAsync(Key, Delivery("oc_secret_k8s_first"), CancellationToken.None));

        Assert.Equal(SecretDestinationFailure.Invalid, ex.Reason);
        Assert.Equal("Kubernetes destination 'cluster' could not create secret apps/wacht-billing-api-7283910238471000042: HTTP 404 NotFound (namespaces \"apps\" not found).", ex.Message);
    }

    [Fact]
    public async Task Deliver_WithATokenTheApiDoesNotKnow_IsForbidden()
    {
        var kubeconfig = Path.Combine(Path.GetDirectoryName(_world.KubeconfigPath)!, "stale");
        await File.WriteAllTextAsync(kubeconfig, _world.Kubeconfig("a-revoked-token"));
        using var stale = _world.Destination(NullLoggerFactory.Instance, _world.Settings(kubeconfig));

        var ex = await Assert.ThrowsAsync<SecretDestinationException>(() => stale.DeliverAsync(Key, Delivery("oc_secret_k8s_first"), CancellationToken.None));

        Assert.Equal(SecretDestinationFailure.Forbidden, ex.Reason);
        Assert.Contains("HTTP 401", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("a-revoked-token", ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("other/wacht-billing-api-7283910238471000042")]
    [InlineData("apps/Wacht")]
    [InlineData("apps")]
    [InlineData("apps/a/b")]
    public async Task Deliver_KeyOutsideTheDestinationsNamespaceOrNotAName_IsRefusedBeforeAnyCall(string key)
    {
        var before = _world.Api.Requests.Count;

        await Assert.ThrowsAsync<SecretKeyException>(() => _destination.DeliverAsync(key, Delivery("oc_secret_k8s_first"), CancellationToken.None));

        Assert.Equal(before, _world.Api.Requests.Count);
    }

    [Theory]
    [InlineData("Namespace", "", "Worker:Secrets:Destinations:cluster:Namespace: must be set")]
    [InlineData("Namespace", "Apps", "Worker:Secrets:Destinations:cluster:Namespace: must be set to a valid namespace name, got 'Apps'")]
    [InlineData("Kubeconfig", "/nonexistent/kubeconfig", "Worker:Secrets:Destinations:cluster:Kubeconfig: the file '/nonexistent/kubeconfig' does not exist")]
    [InlineData("RequestTimeout", "00:00:00", "Worker:Secrets:Destinations:cluster:RequestTimeout: must be positive")]
    [InlineData("KeyTemplate", "wacht-{app}", "Worker:Secrets:Destinations:cluster:KeyTemplate: 'wacht-{app}' has an unknown placeholder")]
    [InlineData("Annotations:wacht.io/fingerprint", "x", "Worker:Secrets:Destinations:cluster:Annotations:wacht.io/fingerprint: not a valid annotation name")]
    [InlineData("Labels:team", "not valid!", "Worker:Secrets:Destinations:cluster:Labels:team: not a valid Kubernetes label")]
    public void Settings_AreValidatedNamingTheKey(string key, string value, string expectedStart)
    {
        var settings = _world.Settings();
        settings[key] = value;
        var section = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.ToDictionary(s => "Worker:Secrets:Destinations:cluster:" + s.Key, s => s.Value))
            .Build()
            .GetSection("Worker:Secrets:Destinations:cluster");

        var failures = new KubernetesDestinationKind().Validate("Worker:Secrets:Destinations:cluster", section);

        Assert.Contains(failures, f => f.StartsWith(expectedStart, StringComparison.Ordinal));
    }

    private static string Decode(JsonNode? node) => Encoding.UTF8.GetString(Convert.FromBase64String(node!.GetValue<string>()));

    private static SecretDelivery Delivery(string secret, DateTimeOffset? rotatedAt = null) =>
        new(Guid.NewGuid(), Target.DeploymentId, Target.AppSlug, Target.OAuthClientId, Target.ClientId, new ClientSecret(secret), rotatedAt ?? RotatedAt);
}
