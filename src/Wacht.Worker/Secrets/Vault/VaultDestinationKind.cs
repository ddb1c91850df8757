using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wacht.Worker.Secrets.Http;

namespace Wacht.Worker.Secrets.Vault;

/// <summary>The <c>vault</c> kind (HashiCorp Vault KV v2); settings: <see cref="VaultDestinationOptions"/>.</summary>
internal sealed class VaultDestinationKind : ISecretDestinationKind
{
    public string Kind => VaultSecretDestination.KindName;

    public IEnumerable<string> Validate(string path, IConfigurationSection section)
    {
        VaultDestinationOptions options;
        try
        {
            options = Bind(section);
        }
        catch (InvalidOperationException ex)
        {
            return [$"{path}: {ex.Message}"];
        }

        var failures = new List<string>();
        if (!Uri.TryCreate(options.Address, UriKind.Absolute, out var address) || address.Scheme is not ("https" or "http"))
        {
            failures.Add($"{path}:Address: must be Vault's http(s) address, e.g. https://vault.example.com:8200, got '{options.Address}'");
        }
        else if (address.Scheme == "http" && !address.IsLoopback)
        {
            failures.Add($"{path}:Address: must use https (http is allowed only to a loopback host such as a local Vault Agent), got '{address.GetLeftPart(UriPartial.Authority)}'");
        }
        else if (!string.IsNullOrEmpty(address.UserInfo) || address.Query.Length > 0 || address.AbsolutePath != "/")
        {
            failures.Add($"{path}:Address: must be scheme, host and port only (no path, query or credentials)");
        }

        var mount = VaultPaths.NormalizeMount(options.Mount);
        if (mount.Length == 0 || VaultPaths.PathProblem(mount) is not null)
        {
            failures.Add($"{path}:Mount: must name the KV v2 mount (letters, digits, '.', '_', '-', segments joined by '/'), got '{options.Mount}'");
        }

        if (options.Namespace is { Length: > 0 } ns && VaultPaths.PathProblem(ns.Trim().Trim('/')) is not null)
        {
            failures.Add($"{path}:Namespace: not a valid Vault namespace '{ns}'");
        }

        if (options.KeyTemplate is not null && SecretKeyTemplate.Validate(options.KeyTemplate) is { } badTemplate)
        {
            failures.Add($"{path}:KeyTemplate: '{options.KeyTemplate}' {badTemplate}");
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{path}:RequestTimeout: must be positive (e.g. 00:00:10)");
        }

        if (options.MaxConflictRetries is < 1 or > 20)
        {
            failures.Add($"{path}:MaxConflictRetries: must be between 1 and 20, got {options.MaxConflictRetries}");
        }

        failures.AddRange(ValidateAuth($"{path}:Auth", options.Auth));
        return failures;
    }

    private static IEnumerable<string> ValidateAuth(string path, VaultAuthOptions auth)
    {
        switch (auth.Method?.Trim().ToLowerInvariant())
        {
            case VaultAuthenticator.TokenMethod:
                var sources = new[] { auth.TokenFile, auth.TokenEnvironmentVariable, auth.Token }.Count(s => s is not null);
                if (sources > 1)
                {
                    yield return $"{path}: set one of TokenFile, TokenEnvironmentVariable and Token, not {sources}";
                }
                else if (auth.TokenFile is not null && !File.Exists(auth.TokenFile))
                {
                    yield return $"{path}:TokenFile: the file '{auth.TokenFile}' does not exist";
                }
                else if (sources == 0 || auth.TokenEnvironmentVariable is not null)
                {
                    var variable = auth.TokenEnvironmentVariable ?? "VAULT_TOKEN";
                    if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable)))
                    {
                        yield return $"{path}:TokenEnvironmentVariable: the environment variable {variable} is not set (or set TokenFile, or another Method)";
                    }
                }

                break;
            case VaultAuthenticator.AppRoleMethod:
                if (string.IsNullOrWhiteSpace(auth.RoleId))
                {
                    yield return $"{path}:RoleId: must be set for the approle method";
                }

                if ((auth.SecretIdFile is null) == (auth.SecretIdEnvironmentVariable is null))
                {
                    yield return $"{path}: set exactly one of SecretIdFile and SecretIdEnvironmentVariable for the approle method";
                }
                else if (auth.SecretIdFile is not null && !File.Exists(auth.SecretIdFile))
                {
                    yield return $"{path}:SecretIdFile: the file '{auth.SecretIdFile}' does not exist";
                }
                else if (auth.SecretIdEnvironmentVariable is not null && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(auth.SecretIdEnvironmentVariable)))
                {
                    yield return $"{path}:SecretIdEnvironmentVariable: the environment variable {auth.SecretIdEnvironmentVariable} is not set";
                }

                break;
            case VaultAuthenticator.KubernetesMethod:
                if (string.IsNullOrWhiteSpace(auth.Role))
                {
                    yield return $"{path}:Role: must be set for the kubernetes method";
                }

                if (!File.Exists(auth.JwtFile))
                {
                    yield return $"{path}:JwtFile: the service-account token '{auth.JwtFile}' does not exist (is the worker running in a pod with a token mounted?)";
                }

                break;
            default:
                yield return $"{path}:Method: must be token, approle or kubernetes, got '{auth.Method}'";
                yield break;
        }

        if (auth.Mount is not null && VaultPaths.PathProblem(auth.Mount.Trim('/')) is not null)
        {
            yield return $"{path}:Mount: not a valid auth mount '{auth.Mount}'";
        }
    }

    public ISecretDestination Create(string name, IConfigurationSection section, IServiceProvider services)
    {
        var options = Bind(section);
        var authenticator = new VaultAuthenticator(options.Auth, services.GetService<TimeProvider>() ?? TimeProvider.System);
        var client = new VaultClient(name, options, services.GetRequiredService<IHttpClientFactory>(), authenticator);
        return new VaultSecretDestination(name, options, client, services.GetService<ILogger<VaultSecretDestination>>());
    }

    private static VaultDestinationOptions Bind(IConfigurationSection section)
    {
        var options = new VaultDestinationOptions();
        section.Bind(options);
        return options;
    }
}

/// <summary>Registers the <c>vault</c> kind and its HTTP client.</summary>
public static class VaultDestinationServiceCollectionExtensions
{
    public static IServiceCollection AddVaultDestinationKind(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(static d => d.ServiceType == typeof(ISecretDestinationKind) && d.ImplementationType == typeof(VaultDestinationKind)))
        {
            services.AddDestinationHttpClient(VaultClient.HttpClientName);
            services.AddSecretDestinationKind<VaultDestinationKind>();
        }

        return services;
    }
}
