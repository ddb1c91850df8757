using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wacht.Worker.Secrets.Http;

namespace Wacht.Worker.Secrets.Aws;

/// <summary>The <c>aws-secrets-manager</c> kind; settings: <see cref="AwsSecretsManagerDestinationOptions"/>.</summary>
internal sealed class AwsSecretsManagerDestinationKind : ISecretDestinationKind
{
    public string Kind => AwsSecretsManagerDestination.KindName;

    public IEnumerable<string> Validate(string path, IConfigurationSection section)
    {
        AwsSecretsManagerDestinationOptions options;
        try
        {
            options = Bind(section);
        }
        catch (InvalidOperationException ex)
        {
            return [$"{path}: {ex.Message}"];
        }

        var failures = new List<string>();
        if (options.Region is not null && !System.Text.RegularExpressions.Regex.IsMatch(options.Region, "^[a-z]{2}(-[a-z]+)+-[0-9]+$"))
        {
            failures.Add($"{path}:Region: not an AWS region name (e.g. eu-central-1), got '{options.Region}'");
        }
        else if (options.Region is null && ResolveRegion(null) is null)
        {
            failures.Add($"{path}:Region: must be set (no region in AWS_REGION, AWS_DEFAULT_REGION or the profile)");
        }

        if (options.ServiceUrl is not null)
        {
            if (!Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
            {
                failures.Add($"{path}:ServiceUrl: must be an http(s) URL, got '{options.ServiceUrl}'");
            }
            else if (url.Scheme == "http" && !url.IsLoopback)
            {
                failures.Add($"{path}:ServiceUrl: must use https (http is allowed only to a loopback host), got '{url.GetLeftPart(UriPartial.Authority)}'");
            }
            else if (!string.IsNullOrEmpty(url.UserInfo) || url.Query.Length > 0)
            {
                failures.Add($"{path}:ServiceUrl: must not carry credentials or a query");
            }
        }

        if (options.ProfilesFile is not null && options.Profile is null)
        {
            failures.Add($"{path}:Profile: must be set when ProfilesFile is");
        }
        else if (options.ProfilesFile is not null && !File.Exists(options.ProfilesFile))
        {
            failures.Add($"{path}:ProfilesFile: the file '{options.ProfilesFile}' does not exist");
        }
        else if (options.Profile is not null && !new CredentialProfileStoreChain(options.ProfilesFile).TryGetAWSCredentials(options.Profile, out _))
        {
            failures.Add($"{path}:Profile: no credentials for profile '{options.Profile}' in {options.ProfilesFile ?? "the shared credentials and config files"}");
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

        return failures;
    }

    public ISecretDestination Create(string name, IConfigurationSection section, IServiceProvider services)
    {
        var options = Bind(section);
        var region = ResolveRegion(options.Region)!;

        // The SDK's chain resolves lazily: no call is made here; credentials that cannot be found fail the first call.
        AWSCredentials credentials;
        if (options.Profile is not null)
        {
            if (!new CredentialProfileStoreChain(options.ProfilesFile).TryGetAWSCredentials(options.Profile, out credentials))
            {
                throw new InvalidOperationException($"AWS Secrets Manager destination '{name}': no credentials for profile '{options.Profile}' (the file changed since the settings were checked?).");
            }
        }
        else
        {
            credentials = new LazyDefaultCredentials();
        }

        var endpoint = options.ServiceUrl is not null ? new Uri(options.ServiceUrl) : new Uri($"https://secretsmanager.{region.SystemName}.{region.PartitionDnsSuffix}/");
        var client = new SecretsManagerClient(name, services.GetRequiredService<IHttpClientFactory>(), credentials, region, endpoint, options.RequestTimeout);
        return new AwsSecretsManagerDestination(name, options, client, services.GetService<ILogger<AwsSecretsManagerDestination>>());
    }

    private static RegionEndpoint? ResolveRegion(string? configured)
    {
        if (configured is not null)
        {
            return RegionEndpoint.GetBySystemName(configured);
        }

        try
        {
            return FallbackRegionFactory.GetRegionEndpoint();
        }
        catch (AmazonClientException)
        {
            return null;
        }
    }

    private static AwsSecretsManagerDestinationOptions Bind(IConfigurationSection section)
    {
        var options = new AwsSecretsManagerDestinationOptions();
        section.Bind(options);
        return options;
    }

    /// <summary>The SDK's default credential chain, resolved at the first call rather than at start.</summary>
    private sealed class LazyDefaultCredentials : AWSCredentials
    {
        private readonly Lazy<AWSCredentials> _inner = new(static () => DefaultAWSCredentialsIdentityResolver.GetCredentials());

        public override ImmutableCredentials GetCredentials() => _inner.Value.GetCredentials();

        public override Task<ImmutableCredentials> GetCredentialsAsync() => _inner.Value.GetCredentialsAsync();
    }
}

/// <summary>Registers the <c>aws-secrets-manager</c> kind and its HTTP client (resilience, then SigV4 signing of every attempt).</summary>
public static class AwsSecretsManagerDestinationServiceCollectionExtensions
{
    public static IServiceCollection AddAwsSecretsManagerDestinationKind(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(static d => d.ServiceType == typeof(ISecretDestinationKind) && d.ImplementationType == typeof(AwsSecretsManagerDestinationKind)))
        {
            services.AddDestinationHttpClient(SecretsManagerClient.HttpClientName).AddHttpMessageHandler(static () => new AwsSigV4Handler());
            services.AddSecretDestinationKind<AwsSecretsManagerDestinationKind>();
        }

        return services;
    }
}
