namespace Wacht.Client;

/// <summary>
/// Where an app's runtime endpoints are reached (<see cref="WachtDeploymentOptions.RuntimeBaseUrl"/>): a template with
/// <c>{fqdn}</c> as the leading part of the host (<c>https://{fqdn}</c>, the default), or a fixed base URL to which
/// requests go with <c>Host: {fqdn}</c> (an emulator or a gateway on another address). The fqdn itself must be a
/// plain DNS host name, so no value from Wacht can point a request at another host, port, path or IP address.
/// </summary>
internal sealed class RuntimeEndpoint
{
    public const string Placeholder = "{fqdn}";
    public const string DefaultTemplate = "https://" + Placeholder;
    private const string ProbeHost = "fqdn-probe.example";

    private readonly string? _template;
    private readonly string? _fixedBase;

    private RuntimeEndpoint(string? template, string? fixedBase)
    {
        _template = template;
        _fixedBase = fixedBase;
    }

    /// <summary>Parses the setting (null or blank: the default); null with <paramref name="problem"/> when it is not usable.</summary>
    public static RuntimeEndpoint? Parse(string? setting, out string? problem)
    {
        problem = null;
        var value = string.IsNullOrWhiteSpace(setting) ? DefaultTemplate : setting.Trim();
        if (value.Contains(Placeholder, StringComparison.Ordinal))
        {
            var schemeEnd = value.IndexOf("://", StringComparison.Ordinal);
            var afterPlaceholder = schemeEnd + 3 + Placeholder.Length;
            if (schemeEnd < 0
                || !value.AsSpan(schemeEnd + 3).StartsWith(Placeholder, StringComparison.Ordinal)
                || value.IndexOf(Placeholder, afterPlaceholder, StringComparison.Ordinal) >= 0
                || (afterPlaceholder < value.Length && value[afterPlaceholder] is not ('.' or ':' or '/')))
            {
                problem = $"'{value}' must have {Placeholder} once, as the start of the host (e.g. https://{Placeholder} or http://{Placeholder}.localtest.me:8080)";
                return null;
            }

            problem = CheckUrl(value.Replace(Placeholder, ProbeHost, StringComparison.Ordinal), value);
            return problem is null ? new RuntimeEndpoint(value.TrimEnd('/'), null) : null;
        }

        problem = CheckUrl(value, value);
        return problem is null ? new RuntimeEndpoint(null, new Uri(value).GetLeftPart(UriPartial.Path).TrimEnd('/')) : null;
    }

    /// <summary>
    /// The lower-cased host name when <paramref name="fqdn"/> is a plain DNS name of at least two labels (letters, digits,
    /// hyphens; no IP address, port, path or trailing dot); null otherwise.
    /// </summary>
    public static string? NormalizeHost(string? fqdn)
    {
        if (string.IsNullOrWhiteSpace(fqdn))
        {
            return null;
        }

        var host = fqdn.Trim().ToLowerInvariant();
        if (host.Length > 253)
        {
            return null;
        }

        var labels = host.Split('.');
        if (labels.Length < 2)
        {
            return null;
        }

        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || !label.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                return null;
            }
        }

        // A top-level label of digits only would make "10.0.0.1" a host name: refuse it (RFC 3696 section 2).
        return labels[^1].All(char.IsAsciiDigit) ? null : host;
    }

    /// <summary>The URL of <paramref name="path"/> on the app whose (normalised) host is <paramref name="host"/>, and the Host header to send (null: the URL's).</summary>
    public (Uri Uri, string? HostHeader) Resolve(string host, string path)
    {
        if (_template is not null)
        {
            var uri = new Uri(_template.Replace(Placeholder, host, StringComparison.Ordinal) + path, UriKind.Absolute);

            // The template put the fqdn first in the host and the fqdn is a plain host name, so this always holds;
            // checked anyway because a request here carries a client's credentials.
            return uri.Host == host || uri.Host.StartsWith(host + ".", StringComparison.Ordinal)
                ? (uri, null)
                : throw new InvalidOperationException("The runtime URL does not name the app's host.");
        }

        return (new Uri(_fixedBase + path, UriKind.Absolute), host);
    }

    private static string? CheckUrl(string url, string shown)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return $"'{shown}' must be an absolute http or https URL, or a template such as https://{Placeholder}";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return $"'{shown}' must not contain user information";
        }

        return !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment)
            ? $"'{shown}' must not have a query or fragment"
            : null;
    }
}
