using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Wacht.Worker.Secrets;
using Wacht.Worker.Secrets.AzureKeyVault;
using Wacht.Worker.Tests.Secrets.Aws;
using Wacht.Worker.Tests.Secrets.AzureKeyVault;
using Wacht.Worker.Tests.Secrets.Kubernetes;
using Wacht.Worker.Tests.Secrets.Vault;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.IntegrationTests.Secrets;

/// <summary>
/// One destination kind's fake server (the same worlds the destination contract suite uses) and what a worker host
/// needs to deliver there: the destination's settings, one route sending every client to it, and (Key Vault only) the
/// kind with the test credential and transport. <see cref="ApplicationReads"/> is the application's view: the secret
/// read from the fake server's own store, not through the worker's destination code.
/// </summary>
internal abstract class DestinationWorld : IAsyncDisposable
{
    public const string Route = "apps";

    public static readonly string[] Kinds = ["kubernetes", "vault", "aws-secrets-manager", "azure-key-vault"];

    /// <summary>The destination's configured name.</summary>
    public abstract string Name { get; }

    public static async Task<DestinationWorld> StartAsync(string kind)
    {
        DestinationWorld world = kind switch
        {
            "kubernetes" => new KubernetesDestinationWorld(),
            "vault" => new VaultDestinationWorld(),
            "aws-secrets-manager" => new AwsDestinationWorld(),
            "azure-key-vault" => new KeyVaultDestinationWorld(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no world for this kind"),
        };
        await world.StartAsync();
        return world;
    }

    /// <summary>The key the default template gives the client with record id <paramref name="oauthClientId"/> of the seeded app.</summary>
    public abstract string ExpectedKey(string oauthClientId);

    /// <summary>Adds the destination and a route sending every client to it (replacing the file destination).</summary>
    public void Configure(Dictionary<string, string?> settings)
    {
        settings.Remove("Worker:Secrets:Destination");
        foreach (var (key, value) in DestinationSettings())
        {
            settings[$"Worker:Secrets:Destinations:{Name}:{key}"] = value;
        }

        settings["Worker:Secrets:Routes:0:Name"] = Route;
        settings["Worker:Secrets:Routes:0:Match"] = "*";
        settings["Worker:Secrets:Routes:0:Destination"] = Name;
    }

    /// <summary>Service changes a worker host on this world needs (none but for Key Vault's credential and transport).</summary>
    public virtual void Services(IServiceCollection services)
    {
    }

    /// <summary>A destination on this world built by its kind from the same settings, as a worker host builds it.</summary>
    public abstract ISecretDestination Open();

    /// <summary>The <c>client_secret</c> an application reading <paramref name="key"/> gets now, or null.</summary>
    public abstract string? ApplicationReads(string key);

    public abstract ValueTask DisposeAsync();

    protected abstract Task StartAsync();

    protected abstract Dictionary<string, string?> DestinationSettings();

    private static string? ClientSecretIn(string? json) =>
        json is not null && JsonNode.Parse(json)?["client_secret"] is JsonValue value && value.TryGetValue<string>(out var secret) ? secret : null;

    private sealed class KubernetesDestinationWorld : DestinationWorld
    {
        private readonly KubernetesWorld _world = new();

        public override string Name => "cluster";

        public override string ExpectedKey(string oauthClientId) => $"{KubernetesWorld.Namespace}/wacht-{WachtWorld.AppSlug}-{oauthClientId}";

        public override ISecretDestination Open() => _world.Destination(NullLoggerFactory.Instance);

        // What a pod mounting the Secret (namespace/name) reads from its client_secret key.
        public override string? ApplicationReads(string key) =>
            key.Split('/') is [var ns, var name]
            && _world.Api.Get("secrets", ns, name)?["data"]?["client_secret"]?.GetValue<string>() is { } base64
                ? Encoding.UTF8.GetString(Convert.FromBase64String(base64))
                : null;

        public override ValueTask DisposeAsync() => _world.DisposeAsync();

        protected override Task StartAsync() => _world.StartAsync();

        protected override Dictionary<string, string?> DestinationSettings() => _world.Settings();
    }

    private sealed class VaultDestinationWorld : DestinationWorld
    {
        private readonly VaultWorld _world = new();

        public override string Name => "vault";

        public override string ExpectedKey(string oauthClientId) => $"secret/wacht/{WachtWorld.Deployment}/{WachtWorld.AppSlug}/{oauthClientId}";

        public override ISecretDestination Open() => _world.Destination(NullLoggerFactory.Instance);

        public override string? ApplicationReads(string key) =>
            _world.Vault.Latest(key)?.Data?["client_secret"]?.GetValue<string>();

        public override ValueTask DisposeAsync() => _world.DisposeAsync();

        protected override Task StartAsync() => _world.StartAsync();

        protected override Dictionary<string, string?> DestinationSettings() => _world.Settings();
    }

    private sealed class AwsDestinationWorld : DestinationWorld
    {
        private readonly AwsWorld _world = new();

        public override string Name => "aws";

        public override string ExpectedKey(string oauthClientId) => $"wacht/{WachtWorld.Deployment}/{WachtWorld.AppSlug}/{oauthClientId}";

        public override ISecretDestination Open() => _world.Destination(NullLoggerFactory.Instance);

        // What an application calling GetSecretValue (AWSCURRENT) gets.
        public override string? ApplicationReads(string key) => ClientSecretIn(_world.Aws.Current(key));

        public override ValueTask DisposeAsync() => _world.DisposeAsync();

        protected override Task StartAsync() => _world.StartAsync();

        protected override Dictionary<string, string?> DestinationSettings() => _world.Settings();
    }

    private sealed class KeyVaultDestinationWorld : DestinationWorld
    {
        private readonly KeyVaultWorld _world = new();

        public override string Name => "kv";

        public override string ExpectedKey(string oauthClientId) => $"wacht-{WachtWorld.AppSlug}-{oauthClientId}";

        public override void Services(IServiceCollection services)
        {
            // The worker's own kind, except for the credential (no Entra ID here) and a transport trusting the fake's certificate.
            var registered = services.Single(d => d.ServiceType == typeof(ISecretDestinationKind) && d.ImplementationType == typeof(AzureKeyVaultDestinationKind));
            services.Remove(registered);
            services.AddSingleton(_world.Kind());
        }

        public override ISecretDestination Open() => _world.Destination(NullLoggerFactory.Instance);

        // What an application getting the secret without a version (the latest one) gets.
        public override string? ApplicationReads(string key) =>
            _world.Vault.Versions(key) is { Count: > 0 } versions ? ClientSecretIn(versions[^1].Value) : null;

        public override ValueTask DisposeAsync() => _world.DisposeAsync();

        protected override Task StartAsync() => _world.StartAsync();

        protected override Dictionary<string, string?> DestinationSettings() => _world.Settings();
    }
}
