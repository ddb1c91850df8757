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

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(Credentials, out var credentials)
            && request.Options.TryGetValue(Region, out var region)
            && request.Options.TryGetValue(Service, out var service))
        {
            var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            var signing = new AWSSigningRequest { HttpMethod = request.Method, RequestUri = request.RequestUri, Content = body };
            foreach (var header in request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>()))
            {
                signing.Headers[header.Key] = string.Join(",", header.Value);
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
