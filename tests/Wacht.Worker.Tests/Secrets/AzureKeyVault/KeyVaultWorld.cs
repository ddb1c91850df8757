using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wacht.Worker.Secrets;
using Wacht.Worker.Secrets.AzureKeyVault;
using Wacht.Worker.TestSupport.Fakes;
using Wacht.Worker.TestSupport.Fakes.Azure;

namespace Wacht.Worker.Tests.Secrets.AzureKeyVault;

/// <summary>
/// A fake Key Vault over HTTPS with a certificate made for this test, the worker's token (get, list, set, getDeleted),
/// and the SDK's client built as the worker builds it, except for two things only tests do: a credential that hands out
/// that token, and a transport that trusts exactly that certificate.
/// </summary>
internal sealed class KeyVaultWorld : IAsyncDisposable
{
    public const string Token = "eyJ0eXAiOiJKV1QifQ.worker-access-token";

    private readonly X509Certificate2 _certificate = TestCertificates.CreateLoopback();
    private FakeKeyVault? _vault;

    public FakeKeyVault Vault => _vault ?? throw new InvalidOperationException("Not started.");

    /// <summary>Every token request of the test credential (scopes and tenant), to check the challenge was followed.</summary>
    public ConcurrentQueue<TokenRequestContext> TokenRequests { get; } = new();

    public async Task StartAsync()
    {
        _vault = await FakeKeyVault.StartAsync(_certificate);
        GrantWorker();
    }

    public void GrantWorker() => Vault.Grant(Token, "get", "list", "set", "getDeleted");

    public Dictionary<string, string?> Settings() => new()
    {
        ["Kind"] = "azure-key-vault",
        ["VaultUri"] = Vault.BaseAddress.ToString(),
        ["DisableChallengeResourceVerification"] = "true", // 127.0.0.1 is not a vault.azure.net host
        ["RequestTimeout"] = "00:00:30", // generous: a cold start on a busy machine is not a timeout
    };

    /// <summary>A destination from settings validated by its kind, with the test credential and transport.</summary>
    public AzureKeyVaultDestination Destination(ILoggerFactory loggerFactory, Dictionary<string, string?>? settings = null, string token = Token)
    {
        var section = AsSection(settings ?? Settings());
        Assert.Empty(new AzureKeyVaultDestinationKind().Validate("Worker:Secrets:Destinations:kv", section));
        var options = AzureKeyVaultDestinationKind.Bind(section);
        var client = AzureKeyVaultConnection.Create(options, new TestCredential(token, TokenRequests), new HttpClientTransport(TestCertificates.TrustOnly(_certificate)));
        return new AzureKeyVaultDestination("kv", options, client, loggerFactory.CreateLogger<AzureKeyVaultDestination>());
    }

    /// <summary>
    /// The <c>azure-key-vault</c> kind for a worker host on this world: the worker's own validation and client, with the
    /// test credential and transport (replace the registered kind with it).
    /// </summary>
    public ISecretDestinationKind Kind() => new TestKind(this);

    public static IConfigurationSection AsSection(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.ToDictionary(s => "Worker:Secrets:Destinations:kv:" + s.Key, s => s.Value))
            .Build()
            .GetSection("Worker:Secrets:Destinations:kv");

    public async ValueTask DisposeAsync()
    {
        if (_vault is not null)
        {
            await _vault.DisposeAsync();
        }

        _certificate.Dispose();
    }

    private sealed class TestKind(KeyVaultWorld world) : ISecretDestinationKind
    {
        public string Kind => AzureKeyVaultDestination.KindName;

        public IEnumerable<string> Validate(string path, IConfigurationSection section) => new AzureKeyVaultDestinationKind().Validate(path, section);

        public ISecretDestination Create(string name, IConfigurationSection section, IServiceProvider services)
        {
            var options = AzureKeyVaultDestinationKind.Bind(section);
            var client = AzureKeyVaultConnection.Create(options, new TestCredential(Token, world.TokenRequests), new HttpClientTransport(TestCertificates.TrustOnly(world._certificate)));
            return new AzureKeyVaultDestination(name, options, client, services.GetService<ILogger<AzureKeyVaultDestination>>());
        }
    }

    private sealed class TestCredential(string token, ConcurrentQueue<TokenRequestContext> requests) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            requests.Enqueue(requestContext);
            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
