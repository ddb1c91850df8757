using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Wacht.Client;

/// <summary>
/// Validates <see cref="WachtOptions"/> at start. Every message begins with the configuration path of the setting to
/// fix, e.g. <c>Wacht:Deployments:7283910238471:ApiKey: set exactly one of ApiKey, ApiKeyEnvironmentVariable or ApiKeyFile</c>.
/// Messages never contain an API key.
/// </summary>
/// <remarks>
/// Besides the bound object, the validator reads the configuration section itself: the configuration binder silently
/// drops a dictionary entry (here: a whole deployment) when one of its values cannot be converted, and ignores
/// misspelt keys. Both are reported here, naming the key.
/// </remarks>
internal sealed class WachtOptionsValidator : IValidateOptions<WachtOptions>
{
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);
    private static readonly TimeSpan MinBreakerDuration = TimeSpan.FromMilliseconds(500);

    private readonly WachtClientRegistration _registration;
    private readonly IConfiguration _configuration;

    public WachtOptionsValidator(WachtClientRegistration registration, IConfiguration configuration)
    {
        _registration = registration;
        _configuration = configuration;
    }

    public ValidateOptionsResult Validate(string? name, WachtOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var section = _configuration.GetSection(_registration.SectionPath);
        WachtConfigurationKeys.Check(section, failures);
        if (options.Deployments.Count == 0 && !section.GetSection("Deployments").GetChildren().Any())
        {
            failures.Add($"{_registration.SectionPath}:Deployments: configure at least one deployment, "
                + $"e.g. {_registration.SectionPath}:Deployments:<deployment id>:ApiKeyFile");
        }

        foreach (var (deploymentId, deployment) in options.Deployments.OrderBy(static pair => pair.Key, StringComparer.Ordinal))
        {
            ValidateDeployment(deploymentId, deployment, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool IsDeploymentId(string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
        && id > 0
        && string.Equals(id.ToString(CultureInfo.InvariantCulture), value, StringComparison.Ordinal);

    private void ValidateDeployment(string deploymentId, WachtDeploymentOptions? deployment, List<string> failures)
    {
        var path = _registration.DeploymentSettingPath(deploymentId);
        if (!IsDeploymentId(deploymentId))
        {
            failures.Add($"{path}: the deployment id must be a positive decimal 64-bit integer without sign or leading zeros (e.g. 7283910238471)");
        }

        if (deployment is null)
        {
            failures.Add($"{path}: the deployment has no settings; set at least its API key");
            return;
        }

        ValidateBaseUrl(path, deployment.BaseUrl, deployment.AllowInsecureHttp, failures);
        ValidateApiKey(path, deployment, failures);
        if (RuntimeEndpoint.Parse(deployment.RuntimeBaseUrl, out var runtimeProblem) is null)
        {
            failures.Add($"{path}:RuntimeBaseUrl: {runtimeProblem}");
        }

        if (!Enum.IsDefined(deployment.PathStyle))
        {
            failures.Add($"{path}:PathStyle: must be Backend or Platform");
        }

        if (deployment.RequestTimeout < MinTimeout || deployment.RequestTimeout > MaxDuration)
        {
            failures.Add($"{path}:RequestTimeout: must be between 00:00:00.010 and 1.00:00:00 (got {deployment.RequestTimeout})");
        }

        if (deployment.TotalTimeout < MinTimeout || deployment.TotalTimeout > MaxDuration)
        {
            failures.Add($"{path}:TotalTimeout: must be between 00:00:00.010 and 1.00:00:00 (got {deployment.TotalTimeout})");
        }
        else if (deployment.TotalTimeout < deployment.RequestTimeout)
        {
            failures.Add($"{path}:TotalTimeout: must not be shorter than RequestTimeout ({deployment.RequestTimeout}), got {deployment.TotalTimeout}");
        }

        if (deployment.MaxConcurrentRequests < 1)
        {
            failures.Add($"{path}:MaxConcurrentRequests: must be at least 1 (got {deployment.MaxConcurrentRequests})");
        }

        if (deployment.MaxQueuedRequests < 0)
        {
            failures.Add($"{path}:MaxQueuedRequests: must not be negative (got {deployment.MaxQueuedRequests})");
        }

        if (deployment.RequestsPerSecond is { } rps && (!double.IsFinite(rps) || rps <= 0 || rps > 10_000))
        {
            failures.Add($"{path}:RequestsPerSecond: must be greater than 0 and at most 10000, or unset for no limit (got {rps.ToString(CultureInfo.InvariantCulture)})");
        }

        if (deployment.MaxRetries is < 0 or > 10)
        {
            failures.Add($"{path}:MaxRetries: must be between 0 and 10 (got {deployment.MaxRetries})");
        }

        if (deployment.RetryBaseDelay < TimeSpan.Zero || deployment.RetryBaseDelay > MaxDuration)
        {
            failures.Add($"{path}:RetryBaseDelay: must be between 00:00:00 and 1.00:00:00 (got {deployment.RetryBaseDelay})");
        }

        if (deployment.MaxRetryDelay < deployment.RetryBaseDelay || deployment.MaxRetryDelay > MaxDuration)
        {
            failures.Add($"{path}:MaxRetryDelay: must be at least RetryBaseDelay ({deployment.RetryBaseDelay}) and at most 1.00:00:00 (got {deployment.MaxRetryDelay})");
        }

        if (deployment.MaxRetryAfter < TimeSpan.Zero || deployment.MaxRetryAfter > MaxDuration)
        {
            failures.Add($"{path}:MaxRetryAfter: must be between 00:00:00 and 1.00:00:00 (got {deployment.MaxRetryAfter})");
        }

        ValidateCircuitBreaker($"{path}:CircuitBreaker", deployment.CircuitBreaker, failures);
    }

    private static void ValidateBaseUrl(string path, Uri? baseUrl, bool allowInsecureHttp, List<string> failures)
    {
        if (baseUrl is null)
        {
            failures.Add($"{path}:BaseUrl: must be set to an absolute http or https URL (default https://api.wacht.dev)");
            return;
        }

        if (!baseUrl.IsAbsoluteUri || (baseUrl.Scheme != Uri.UriSchemeHttps && baseUrl.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{path}:BaseUrl: must be an absolute http or https URL (got '{baseUrl.OriginalString}')");
            return;
        }

        if (!string.IsNullOrEmpty(baseUrl.UserInfo))
        {
            failures.Add($"{path}:BaseUrl: must not contain user information; the API key goes in ApiKey, ApiKeyEnvironmentVariable or ApiKeyFile");
        }
        else if (!string.IsNullOrEmpty(baseUrl.Query) || !string.IsNullOrEmpty(baseUrl.Fragment))
        {
            failures.Add($"{path}:BaseUrl: must not have a query or fragment (got '{baseUrl.OriginalString}')");
        }
        else if (baseUrl.Scheme == Uri.UriSchemeHttp && !baseUrl.IsLoopback && !allowInsecureHttp)
        {
            failures.Add($"{path}:BaseUrl: '{baseUrl.OriginalString}' would send the API key and rotated secrets unencrypted to another host; "
                + $"use https, or set {path}:AllowInsecureHttp=true for this deployment");
        }
    }

    private static void ValidateApiKey(string path, WachtDeploymentOptions deployment, List<string> failures)
    {
        var sources = (string.IsNullOrWhiteSpace(deployment.ApiKey) ? 0 : 1)
            + (string.IsNullOrWhiteSpace(deployment.ApiKeyEnvironmentVariable) ? 0 : 1)
            + (string.IsNullOrWhiteSpace(deployment.ApiKeyFile) ? 0 : 1);
        if (sources != 1)
        {
            failures.Add($"{path}:ApiKey: set exactly one of ApiKey, ApiKeyEnvironmentVariable or ApiKeyFile"
                + (sources == 0 ? " (none is set)" : $" ({sources} are set)"));
            return;
        }

        if (!string.IsNullOrWhiteSpace(deployment.ApiKey))
        {
            CheckKeyText(path, "ApiKey", deployment.ApiKey.Trim(), failures);
        }
        else if (!string.IsNullOrWhiteSpace(deployment.ApiKeyEnvironmentVariable))
        {
            var variable = deployment.ApiKeyEnvironmentVariable.Trim();
            var value = Environment.GetEnvironmentVariable(variable)?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                failures.Add($"{path}:ApiKeyEnvironmentVariable: the environment variable '{variable}' is not set or empty");
            }
            else
            {
                CheckKeyText(path, "ApiKeyEnvironmentVariable", value, failures);
            }
        }
        else
        {
            var file = deployment.ApiKeyFile!.Trim();
            if (!File.Exists(file))
            {
                failures.Add($"{path}:ApiKeyFile: the API key file '{file}' does not exist");
                return;
            }

            string text;
            try
            {
                text = File.ReadAllText(file).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                failures.Add($"{path}:ApiKeyFile: the API key file '{file}' cannot be read ({ex.GetType().Name})");
                return;
            }

            if (text.Length == 0)
            {
                failures.Add($"{path}:ApiKeyFile: the API key file '{file}' is empty");
            }
            else
            {
                CheckKeyText(path, "ApiKeyFile", text, failures);
            }

            if (ExposedFileMode(file) is { } mode)
            {
                failures.Add($"{path}:ApiKeyFile: the API key file '{file}' can be read or changed by other users (mode {mode}); "
                    + "let only its owner read it (chmod 600), or its owner and one group (chmod 640)");
            }
        }
    }

    /// <summary>The file's mode in octal when users other than its owner and group may read or change it, or its group may change it.</summary>
    private static string? ExposedFileMode(string file)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        const UnixFileMode exposed = UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute | UnixFileMode.GroupWrite;
        var mode = File.GetUnixFileMode(file);
        return (mode & exposed) != 0 ? Convert.ToString((int)mode, 8).PadLeft(4, '0') : null;
    }

    private static void CheckKeyText(string path, string setting, string key, List<string> failures)
    {
        if (!ApiKeyText.IsHeaderSafe(key))
        {
            failures.Add($"{path}:{setting}: the API key contains whitespace or characters that are not allowed in an HTTP header (value not shown)");
        }
    }

    private static void ValidateCircuitBreaker(string path, WachtCircuitBreakerOptions? breaker, List<string> failures)
    {
        if (breaker is null)
        {
            failures.Add($"{path}: must not be null");
            return;
        }

        if (!breaker.Enabled)
        {
            return;
        }

        if (!double.IsFinite(breaker.FailureRatio) || breaker.FailureRatio <= 0 || breaker.FailureRatio > 1)
        {
            failures.Add($"{path}:FailureRatio: must be greater than 0 and at most 1 (got {breaker.FailureRatio.ToString(CultureInfo.InvariantCulture)})");
        }

        if (breaker.MinimumThroughput < 2)
        {
            failures.Add($"{path}:MinimumThroughput: must be at least 2 (got {breaker.MinimumThroughput})");
        }

        if (breaker.SamplingDuration < MinBreakerDuration || breaker.SamplingDuration > MaxDuration)
        {
            failures.Add($"{path}:SamplingDuration: must be between 00:00:00.500 and 1.00:00:00 (got {breaker.SamplingDuration})");
        }

        if (breaker.BreakDuration < MinBreakerDuration || breaker.BreakDuration > MaxDuration)
        {
            failures.Add($"{path}:BreakDuration: must be between 00:00:00.500 and 1.00:00:00 (got {breaker.BreakDuration})");
        }
    }
}
