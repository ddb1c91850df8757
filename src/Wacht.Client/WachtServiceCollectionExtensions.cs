using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Wacht.Client;

/// <summary>Registers the Wacht client.</summary>
public static class WachtServiceCollectionExtensions
{
    /// <summary>
    /// The name of the <see cref="IHttpClientFactory"/> client all deployments share (each deployment has its own
    /// resilience pipeline instance). Tests may replace its primary handler, e.g. with an in-memory server.
    /// </summary>
    public const string HttpClientName = "Wacht.Client";

    /// <summary>The client's meter: attempts and their duration by operation, deployment and status (<c>AddMeter("Wacht.Client")</c>).</summary>
    public const string MeterName = "Wacht.Client";

    /// <summary>
    /// The name of the <see cref="IHttpClientFactory"/> client for the apps' runtime endpoints (secret checks): no API key,
    /// no redirects, no cookies. Tests may replace its primary handler too.
    /// </summary>
    public const string RuntimeHttpClientName = "Wacht.Client.Runtime";

    /// <summary>
    /// Registers <see cref="IWachtClientFactory"/>, binds <see cref="WachtOptions"/> from <paramref name="sectionPath"/>
    /// (unknown keys and unconvertible values are reported by name) and validates them at start. Returns the HTTP client builder so that callers can
    /// add handlers or replace the primary handler.
    /// </summary>
    public static IHttpClientBuilder AddWachtClient(this IServiceCollection services, string sectionPath = WachtOptions.DefaultSectionName)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(sectionPath);

        if (services.Any(static descriptor => descriptor.ServiceType == typeof(WachtClientRegistration)))
        {
            // Registered already: return the same client builder without adding handlers twice.
            return services.AddHttpClient(HttpClientName);
        }

        services.AddSingleton(new WachtClientRegistration(sectionPath));
        services.AddOptions<WachtOptions>()
            .BindConfiguration(sectionPath)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WachtOptions>, WachtOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WachtApiKeyProviderRegistry>();
        services.TryAddSingleton<WachtCircuitStateRegistry>();
        services.TryAddSingleton<IWachtClientFactory, WachtClientFactory>();
        services.TryAddTransient<WachtAttemptHandler>();
        services.AddMetrics();
        services.TryAddSingleton<WachtClientMetrics>();

        // The factory's default loggers are removed, not just redacted: RedactLoggedHeaders only masks the formatted
        // message, while the log state still carries raw header values (the Authorization header) for structured
        // logging providers. WachtAttemptHandler logs each attempt without headers instead.
        var builder = services.AddHttpClient(HttpClientName)
            .ConfigureHttpClient(static client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers()
            .RedactLoggedHeaders(static _ => true);

        builder.AddResilienceHandler(WachtResiliencePipeline.PipelineName, WachtResiliencePipeline.Configure)
            .SelectPipelineBy(static _ => WachtResiliencePipeline.SelectKey);

        // Innermost: adds the Authorization header per attempt and buffers the body inside the attempt timeout.
        builder.AddHttpMessageHandler<WachtAttemptHandler>();

        // Secret checks carry a client's credentials to the app's host: never follow a redirect (it could take them
        // elsewhere), keep no cookies. Retries happen per check (each attempt a fresh request), not in a handler.
        services.AddHttpClient(RuntimeHttpClientName)
            .ConfigureHttpClient(static client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .RemoveAllLoggers();
        return builder;
    }
}
