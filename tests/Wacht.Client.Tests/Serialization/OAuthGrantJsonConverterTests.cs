using System.Text;
using System.Text.Json;
using Wacht.Client.Serialization;
using Wacht.Client.Tests.Support;

namespace Wacht.Client.Tests.Serialization;

/// <summary>
/// The hand-written grant reader (<see cref="OAuthGrantJsonConverter"/>) against the source-generated one it replaces on
/// the grant lists: for each body, the same grants, or a <see cref="JsonException"/> from both. One difference is
/// intended: a text property the body leaves out keeps the model's default (<c>""</c>), where the generated reader, which
/// builds the record through its constructor-argument path, leaves <c>null</c> in a non-nullable property.
/// </summary>
public sealed class OAuthGrantJsonConverterTests
{
    public static TheoryData<string> Grants() => new()
    {
        Fixtures.GrantFull,
        Fixtures.GrantMinimal,
        """{"id":"3"}""",
        """{"id":3,"oauth_client_id":9223372036854775807,"granted_by_user_id":12}""",
        """{"id":"3","scopes":null,"status":null,"resource":null,"api_auth_app_slug":null,"granted_by_user_id":null}""",
        """{"id":"3","scopes":[],"expires_at":null,"revoked_at":null}""",
        """{"id":"3","scopes":["a",null,"b"]}""",
        """{"id":"3","unknown":{"deep":[1,{"x":null}]},"other":[1,2],"flag":true,"scopes":["a"]}""",
        """{"id":"3","status":"active","status":"revoked","id":"4"}""",
        """{"ID":"3","id":"5","Status":"ignored"}""",
        """{"id":"3","granted_at":"2026-11-20T09:00:00.1234567+02:00","created_at":"2026-11-20","updated_at":"2026-11-20T09:00:00\u002B01:00"}""",
        """{"id":"3","resource":"caf\u00e9 \"quoted\" \\ path"}""",
        """{"id":null}""",
        """{"\u0069d":"3","\u0073tatus":"active","scope\u0073":["a"]}""",
        """{"id":"3","idx":"9","i":"8","statusx":"no"}""",
        // Each of these is refused by both.
        """{"status":"active"}""",
        """{"id":1.5}""",
        """{"id":"3","granted_at":null}""",
        """{"id":"3","granted_at":"yesterday"}""",
        """{"id":"3","granted_at":12}""",
        """{"id":"3","expires_at":"soon"}""",
        """{"id":"3","scopes":"read"}""",
        """{"id":"3","scopes":{"a":1}}""",
        """{"id":"3","scopes":[1]}""",
        """{"id":"3","scopes":[["a"]]}""",
        """{"id":"3","status":1}""",
        """{"id":"3","resource":{}}""",
        """{"id":true}""",
        "[]",
        "\"grant\"",
        "7",
        "null",
    };

    [Theory]
    [MemberData(nameof(Grants))]
    public void ReadsWhatTheGeneratedReaderReads_AndRefusesWhatItRefuses(string grant)
    {
        var body = Encoding.UTF8.GetBytes($$"""{"grants":[{{grant}}]}""");

        var expected = Read(body, WachtJsonContext.Default.IReadOnlyListOAuthGrant, grant);
        var actual = Read(body, OAuthGrantJsonConverter.ListTypeInfo, null);

        Assert.Equal(expected.Error is null, actual.Error is null);
        Assert.Equal(expected.Text, actual.Text);
    }

    [Fact]
    public void AListOfMany_IsReadInOrder()
    {
        var body = Encoding.UTF8.GetBytes(Fixtures.Grants(Fixtures.GrantFull, Fixtures.GrantMinimal, """{"id":"3","scopes":null}"""));

        var grants = WachtResponseReader.ReadList(body, "grants", OAuthGrantJsonConverter.ListTypeInfo);

        Assert.Equal(["9007199254740993", "7283910238473", "3"], grants.Select(static g => g.Id));
        Assert.Empty(grants[2].Scopes);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 10, 15, 30, 500, TimeSpan.Zero), grants[0].RevokedAt);
    }

    [Fact]
    public void AnAbsentTextProperty_KeepsTheModelsDefault()
    {
        var grant = Assert.Single(WachtResponseReader.ReadList(Encoding.UTF8.GetBytes("""{"grants":[{"id":"3"}]}"""), "grants", OAuthGrantJsonConverter.ListTypeInfo));

        Assert.Equal(("", "", "", ""), (grant.ApiAuthAppSlug, grant.OAuthClientId, grant.Resource, grant.Status));
        Assert.Null(grant.GrantedByUserId);
    }

    /// <summary>
    /// The grants written back with the generated writer (every field, scopes included), or the error's kind. With
    /// <paramref name="absentAsDefault"/> (the body's one grant), the text properties it leaves out become <c>""</c>.
    /// </summary>
    private static (string Text, Exception? Error) Read(
        byte[] body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<IReadOnlyList<OAuthGrant>> typeInfo, string? absentAsDefault)
    {
        try
        {
            var grants = WachtResponseReader.ReadList(body, "grants", typeInfo);
            if (absentAsDefault is not null)
            {
                using var source = JsonDocument.Parse(absentAsDefault);
                bool Absent(string name) => !source.RootElement.TryGetProperty(name, out _);
                grants = [.. grants.Select(g => g with
                {
                    ApiAuthAppSlug = Absent("api_auth_app_slug") ? "" : g.ApiAuthAppSlug,
                    OAuthClientId = Absent("oauth_client_id") ? "" : g.OAuthClientId,
                    Resource = Absent("resource") ? "" : g.Resource,
                    Status = Absent("status") ? "" : g.Status,
                })];
            }

            return (string.Join("\n", grants.Select(static g => JsonSerializer.Serialize(g, WachtJsonContext.Default.OAuthGrant))), null);
        }
        catch (JsonException e)
        {
            return ("refused", e);
        }
    }
}
