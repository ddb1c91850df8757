namespace Wacht.Client;

/// <summary>
/// Where a deployment's paths start: <see cref="Origin"/> (scheme and authority) and <see cref="Path"/> (the base URL's
/// path plus the path style's prefix, escaped, without a trailing slash).
/// </summary>
internal sealed record WachtRequestRoot(string Origin, string Path)
{
    public static WachtRequestRoot For(Uri baseUrl, WachtPathStyle style, string deploymentId)
    {
        var basePath = baseUrl.AbsolutePath.TrimEnd('/');
        var prefix = style == WachtPathStyle.Platform
            ? $"/deployments/{Uri.EscapeDataString(deploymentId)}/oauth/apps"
            : "/oauth/apps";
        return new WachtRequestRoot(baseUrl.GetLeftPart(UriPartial.Authority), basePath + prefix);
    }
}
