namespace Wacht.Worker.Secrets.Aws;

/// <summary>Settings of an <c>aws-secrets-manager</c> destination (<c>Worker:Secrets:Destinations:{name}</c>).</summary>
public sealed class AwsSecretsManagerDestinationOptions
{
    /// <summary>The region, e.g. <c>eu-central-1</c>. Default: the SDK's chain (<c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c>, the profile).</summary>
    public string? Region { get; set; }

    /// <summary>
    /// The endpoint, for a VPC interface endpoint or a test server, e.g. <c>https://vpce-…secretsmanager.eu-central-1.vpce.amazonaws.com</c>.
    /// Default <c>https://secretsmanager.{region}.amazonaws.com</c>. <c>http</c> only to a loopback host.
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>A named profile of the shared credentials/config files. Default: the SDK's credential chain (environment, web identity, profile, container, instance).</summary>
    public string? Profile { get; set; }

    /// <summary>The shared credentials file holding <see cref="Profile"/>. Default: the SDK's (<c>~/.aws/credentials</c>, <c>AWS_SHARED_CREDENTIALS_FILE</c>).</summary>
    public string? ProfilesFile { get; set; }

    /// <summary>The secret name template when the route names none. Default <c>wacht/{deploymentId}/{appSlug}/{oauthClientId}</c>.</summary>
    public string? KeyTemplate { get; set; }

    /// <summary>The KMS key for secrets the worker creates. Default: Secrets Manager's own key (<c>aws/secretsmanager</c>).</summary>
    public string? KmsKeyId { get; set; }

    /// <summary>Timeout of one API call. Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a write that lost a race is re-read and re-decided before giving up. Default 5.</summary>
    public int MaxConflictRetries { get; set; } = 5;
}
