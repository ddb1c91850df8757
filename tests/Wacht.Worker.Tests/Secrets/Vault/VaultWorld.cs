using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wacht.Worker.Secrets;
using Wacht.Worker.Secrets.Vault;
using Wacht.Worker.TestSupport.Fakes.Vault;

namespace Wacht.Worker.Tests.Secrets.Vault;

/// <summary>
/// A fake Vault with KV v2 at <c>secret/</c>, the worker's policy (read, create, update on <c>secret/data/wacht/*</c>),
/// its token in a file, an AppRole and a Kubernetes role with the same policy.
/// </summary>
internal sealed class VaultWorld : IAsyncDisposable
{
    public const string Policy = "wacht-worker";
    public const string Token = "hvs.worker-token";
    public const string RoleId = "role-wacht-worker";
    public const string SecretId = "secret-id-of-the-worker";
    public const string KubernetesRole = "wacht-worker";
    public const string Jwt = "eyJhbGciOiJSUzI1NiJ9.service-account.jwt";

    private readonly string _directory = Directory.CreateTempSubdirectory("wacht-vault-").FullName;
    private readonly List<ServiceProvider> _providers = [];
    private FakeVault? _vault;

    public FakeVault Vault => _vault ?? throw new InvalidOperationException("Not started.");

    public string TokenFile => Path.Combine(_directory, "token");

    public string SecretIdFile => Path.Combine(_directory, "secret-id");

    public string JwtFile => Path.Combine(_directory, "jwt");

    public async Task StartAsync()
    {
        _vault = await FakeVault.StartAsync();
        GrantWorker();
        _vault.AddToken(Token, Policy);
        _vault.AddAppRole(RoleId, SecretId, Policy, TimeSpan.FromHours(1));
        _vault.AddKubernetesRole(KubernetesRole, Jwt, Policy, TimeSpan.FromHours(1));
        await File.WriteAllTextAsync(TokenFile, Token + "\n");
        await File.WriteAllTextAsync(SecretIdFile, SecretId);
        await File.WriteAllTextAsync(JwtFile, Jwt);
    }

    public void GrantWorker() => Vault.SetPolicy(Policy, ("secret/data/wacht/*", "create,read,update"));

    /// <summary>The settings of a vault destination named <c>vault</c> on this world, token auth from the file.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Kind"] = "vault",
        ["Address"] = Vault.BaseAddress.ToString(),
        ["Auth:Method"] = "token",
        ["Auth:TokenFile"] = TokenFile,
        ["RequestTimeout"] = "00:00:30", // generous: a cold start on a busy machine is not a timeout
    };

    /// <summary>A destination built by its kind from settings, as the worker builds it.</summary>
    public VaultSecretDestination Destination(ILoggerFactory loggerFactory, Dictionary<string, string?>? settings = null, TimeProvider? clock = null)
    {
        var services = new ServiceCollection().AddSingleton(loggerFactory).AddLogging().AddVaultDestinationKind();
        if (clock is not null)
        {
            services.AddSingleton(clock);
        }

        var provider = services.BuildServiceProvider();
        lock (_providers)
        {
            _providers.Add(provider);
        }

        var kind = provider.GetServices<ISecretDestinationKind>().Single(k => k.Kind == "vault");
        var section = AsSection(settings ?? Settings());
        Assert.Empty(kind.Validate("Worker:Secrets:Destinations:vault", section));
        return (VaultSecretDestination)kind.Create("vault", section, provider);
    }

    public static IConfigurationSection AsSection(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.ToDictionary(s => "Worker:Secrets:Destinations:vault:" + s.Key, s => s.Value))
            .Build()
            .GetSection("Worker:Secrets:Destinations:vault");

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        if (_vault is not null)
        {
            await _vault.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }
}
