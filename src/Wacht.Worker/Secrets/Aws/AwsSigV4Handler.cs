using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace Wacht.Worker.Secrets.Aws;

/// <summary>
/// Signs each attempt (it runs inside the resilience handler's retries, so every retry gets a fresh <c>X-Amz-Date</c>)
/// with AWS Signature Version 4 through the SDK's own signer (<c>AWSSDK.Core</c>), using the credentials, region and
/// service that the request carries in its options (one HTTP client serves every AWS destination).
/// </summary>
internal sealed class AwsSigV4Handler : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<AWSCredentials> Credentials = new("Wacht.Aws.Credentials");
    public static readonly HttpRequestOptionsKey<RegionEndpoint> Region = new("Wacht.Aws.Region");
    public static readonly HttpRequestOptionsKey<string> Service = new("Wacht.Aws.Service");

    private static readonly string[] SignatureHeaders = ["Authorization", "X-Amz-Date", "X-Amz-Content-SHA256", "X-Amz-Security-Token"];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(Credentials, out var credentials)
            && request.Options.TryGetValue(Region, out var region)
            && request.Options.TryGetValue(Service, out var service))
        {
            // A retry sends the same message again: drop the previous attempt's signature before signing anew.
            foreach (var previous in SignatureHeaders)
            {
                request.Headers.Remove(previous);
            }

            var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            var signing = new AWSSigningRequest { HttpMethod = request.Method, RequestUri = request.RequestUri, Content = body };
            // Only the headers this client sets are signed: others (traceparent, added by HttpClient's diagnostics below
            // this handler and replaced on every attempt) would make a retried request's signature wrong.
            foreach (var header in request.Headers.Where(h => h.Key.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase)))
            {
                signing.Headers[header.Key] = string.Join(",", header.Value);
            }

            if (request.Content?.Headers.ContentType is { } contentType)
            {
                signing.Headers["Content-Type"] = contentType.ToString();
            }

            var signed = await AWSSigV4Signer.SignAsync(
                signing,
                new AWSSigV4Parameters { Credentials = credentials, Region = region, Service = service, SignPayload = true },
                cancellationToken);
            foreach (var (name, value) in signed.Headers)
            {
                request.Headers.Remove(name);
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
