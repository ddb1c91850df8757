using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;

namespace Wacht.Worker.Secrets.AzureKeyVault;

/// <summary>
/// Builds the official <see cref="SecretClient"/> for an <c>azure-key-vault</c> destination: DefaultAzureCredential
/// (managed identity, workload identity, environment…), no request or content logging, no telemetry in the User-Agent,
/// per-try timeouts, and retries of transient failures for reads only (a <c>PUT</c> whose answer was lost is not sent
/// again; the destination reads again and decides again).
/// </summary>
internal static class AzureKeyVaultConnection
{
    /// <param name="credential">Null: DefaultAzureCredential with the configured identity and tenant (tests pass their own).</param>
    /// <param name="transport">Null: the SDK's own (tests pass one that trusts their server's certificate).</param>
    public static SecretClient Create(AzureKeyVaultDestinationOptions options, TokenCredential? credential = null, HttpPipelineTransport? transport = null)
    {
        var clientOptions = new SecretClientOptions
        {
            DisableChallengeResourceVerification = options.DisableChallengeResourceVerification,
            RetryPolicy = new ReadOnlyRetryPolicy(),
        };

        // The SDK logs through an EventSource: no request or response content ever (the secret is in both), and no
        // request logging at all; nothing about the worker in the User-Agent.
        clientOptions.Diagnostics.IsLoggingEnabled = false;
        clientOptions.Diagnostics.IsLoggingContentEnabled = false;
        clientOptions.Diagnostics.IsTelemetryEnabled = false;
        clientOptions.Retry.NetworkTimeout = options.RequestTimeout;
        if (transport is not null)
        {
            clientOptions.Transport = transport;
        }

        credential ??= new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = options.ManagedIdentityClientId,
            TenantId = options.TenantId,
        });
        return new SecretClient(new Uri(options.VaultUri!), credential, clientOptions);
    }

    /// <summary>The SDK's retry policy (2 retries, exponential), except that a write is never sent twice.</summary>
    private sealed class ReadOnlyRetryPolicy() : RetryPolicy(maxRetries: 2, DelayStrategy.CreateExponentialDelayStrategy(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2)))
    {
        protected override bool ShouldRetry(HttpMessage message, Exception? exception) =>
            message.Request.Method != RequestMethod.Put && base.ShouldRetry(message, exception);

        protected override ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) =>
            message.Request.Method != RequestMethod.Put ? base.ShouldRetryAsync(message, exception) : ValueTask.FromResult(false);
    }
}
