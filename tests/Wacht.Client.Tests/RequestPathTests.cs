using Wacht.Client.Tests.Support;

namespace Wacht.Client.Tests;

/// <summary>The rules of <see cref="WachtRequestPath"/>, the one place request paths are built.</summary>
public sealed class RequestPathTests
{
    public static TheoryData<string, string> AcceptedSegments => new()
    {
        // value, as it goes on the wire (escaped by Uri.EscapeDataString)
        { "analytics-api", "analytics-api" },
        { "billing_portal", "billing_portal" },
        { "read:reports", "read%3Areports" },
        { "...", "..." },
        { "a.", "a." },
        { ".a", ".a" },
        { "~", "~" },
        { "%", "%25" },
        { "100%", "100%25" },
        { "a%zz", "a%25zz" },
        { "%2", "%252" },
        { "a;b", "a%3Bb" },
        { "a@b+c=d&e", "a%40b%2Bc%3Dd%26e" },
        { "(x)[y]{z}!$'*,", "%28x%29%5By%5D%7Bz%7D%21%24%27%2A%2C" },
    };

    public static TheoryData<string?, string> RefusedSegments => new()
    {
        { null, "is required" },
        { "", "is empty" },
        { "   ", "is blank" },
        { ".", "dot segment" },
        { "..", "dot segment" },
        { "a/b", "path separator" },
        { "a\\b", "path separator" },
        { "a?b", "end the path" },
        { "a#b", "end the path" },
        { "a%2Fb", "percent-encoded" },
        { "a%2fb", "percent-encoded" },
        { "%2e%2E", "percent-encoded" },
        { "%00", "percent-encoded" },
        { "a b", "space" },
        { " a", "space" },
        { "a\u0000", "control character U+0000" },
        { "a\r\n", "control character U+000D" },
        { "a\u007f", "control character U+007F" },
        { "\u00a0a", "non-ASCII character U+00A0" },
        { "é", "non-ASCII" },
        { "a\uFF0Fb", "non-ASCII character U+FF0F" },
        { "\u2024\u2024", "non-ASCII" },
        { "a\uD800", "non-ASCII" },
    };

    public static TheoryData<string> CanonicalIds => new() { "1", "7283910238471", "9223372036854775807", "1000000000000000000" };

    public static TheoryData<string?> NonCanonicalIds => new()
    {
        null, "", " ", "0", "00", "007", "-1", "+1", " 1", "1 ", "9223372036854775808", "18446744073709551615",
        "10000000000000000000", "1e3", "0x1F", "1_000", "١٢٣", "１２３", "oc_client_5f2b8e",
    };

    [Theory]
    [MemberData(nameof(AcceptedSegments))]
    public void An_acceptable_segment_is_escaped_and_reaches_the_path_unchanged(string value, string wire)
    {
        Assert.Null(WachtRequestPath.SegmentProblem(value));

        var uri = Path().Argument(value, "appSlug").Literal("clients").ToUri(Root);

        Assert.Equal($"/oauth/apps/{wire}/clients", uri.AbsolutePath);
        Assert.Equal(["/", "oauth/", "apps/", wire + "/", "clients"], uri.Segments);
        Assert.Equal(value, Uri.UnescapeDataString(uri.Segments[3].TrimEnd('/')));
    }

    [Theory]
    [MemberData(nameof(RefusedSegments))]
    public void A_segment_that_would_not_survive_is_refused_with_the_reason(string? value, string reason)
    {
        Assert.Contains(reason, WachtRequestPath.SegmentProblem(value), StringComparison.Ordinal);

        var error = Assert.Throws<WachtArgumentException>(() => Path().Argument(value, "scope"));

        Assert.Equal("scope", error.ParamName);
        Assert.Equal("updateOAuthScope", error.Operation);
        Assert.Equal(WachtTestHost.DeploymentId, error.DeploymentId);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CanonicalIds))]
    public void A_canonical_record_id_is_accepted(string id)
    {
        Assert.Null(WachtRequestPath.RecordIdProblem(id));
        Assert.Equal($"/oauth/apps/a/clients/{id}", Path().Argument("a", "appSlug").Literal("clients").RecordId(id, "oauthClientId").ToUri(Root).AbsolutePath);
    }

    [Theory]
    [MemberData(nameof(NonCanonicalIds))]
    public void A_record_id_that_is_not_canonical_is_refused(string? id)
    {
        Assert.NotNull(WachtRequestPath.RecordIdProblem(id));
        var error = Assert.Throws<WachtArgumentException>(() => Path().RecordId(id, "grantId"));
        Assert.Equal("grantId", error.ParamName);
    }

    [Fact]
    public void The_message_quotes_a_short_escaped_excerpt_of_the_value()
    {
        var value = "\u001b[2J" + new string('x', 5000) + "/";

        var error = Assert.Throws<WachtArgumentException>(() => Path().Argument(value, "appSlug"));

        Assert.DoesNotContain('\u001b', error.Message);
        Assert.Contains("\\u001B[2J", error.Message, StringComparison.Ordinal);
        Assert.Contains("…[truncated, 5005 chars]", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 400, error.Message);
    }

    [Theory]
    [InlineData("/base/../oauth/apps")]
    [InlineData("/oauth/./apps")]
    [InlineData("/oauth/apps?x=1")]
    [InlineData("/oauth/apps#x")]
    [InlineData("/oauth\\apps")]
    public void A_built_uri_whose_path_differs_from_the_intended_one_is_never_returned(string rootPath)
    {
        // Defence in depth: whatever made the built Uri differ (here the root itself), ToUri compares and refuses.
        var error = Assert.Throws<WachtArgumentException>(() => Path().Argument("a", "appSlug").ToUri(new WachtRequestRoot("https://api.test.local", rootPath)));

        Assert.Equal("appSlug", error.ParamName);
        Assert.Contains("would not reach the intended path", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://api.test.local", "Backend", "/oauth/apps/a/clients")]
    [InlineData("https://api.test.local/", "Backend", "/oauth/apps/a/clients")]
    [InlineData("https://api.test.local/wacht/", "Backend", "/wacht/oauth/apps/a/clients")]
    [InlineData("https://api.test.local:8443/wacht", "Platform", "/wacht/deployments/7283910238471/oauth/apps/a/clients")]
    public void The_root_keeps_the_base_path_and_the_path_style_prefix(string baseUrl, string style, string expected)
    {
        var root = WachtRequestRoot.For(new Uri(baseUrl), Enum.Parse<WachtPathStyle>(style), WachtTestHost.DeploymentId);

        var uri = Path().Argument("a", "appSlug").Literal("clients").ToUri(root);

        Assert.Equal(expected, uri.AbsolutePath);
        Assert.Equal(new Uri(baseUrl).Authority, uri.Authority);
    }

    [Fact]
    public void A_literal_segment_must_be_a_plain_word()
    {
        Assert.Throws<InvalidOperationException>(() => Path().Literal(".."));
        Assert.Throws<InvalidOperationException>(() => Path().Literal("a/b"));
    }

    private static readonly WachtRequestRoot Root = new("https://api.test.local", "/oauth/apps");

    private static WachtRequestPath Path() => WachtRequestPath.For(WachtOperations.UpdateOAuthScope, WachtTestHost.DeploymentId);
}
