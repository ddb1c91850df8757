using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Wacht.Client.Serialization;

/// <summary>
/// Reads <see cref="OAuthGrant"/> by hand, for the grant lists (the audit reads one per client, 25 grants each in the
/// benchmark's world, and every RevokeGrant reads one). The source generator builds a record with init-only properties
/// through its constructor-argument path: twelve boxed arguments per grant in an <c>object[]</c> and a frame pushed per
/// property, which made parsing an eighth of the audit's CPU. Nothing served does this better, so it is written here,
/// small, and <c>OAuthGrantJsonConverterTests</c> holds it to the generated reader's results and errors on the same
/// inputs. Writing uses the generated metadata.
/// </summary>
internal sealed class OAuthGrantJsonConverter : JsonConverter<OAuthGrant>
{
    private static readonly WachtIdJsonConverter Ids = new();

    /// <summary>The grant lists, read with this converter (the context's options otherwise).</summary>
    public static JsonTypeInfo<IReadOnlyList<OAuthGrant>> ListTypeInfo { get; } = CreateListTypeInfo();

    public override OAuthGrant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"The JSON value could not be converted to {typeof(OAuthGrant)}.");
        }

        string? id = null;
        var hasId = false;
        string? appSlug = "", clientId = "", resource = "", status = "", grantedBy = null;
        IReadOnlyList<string>? scopes = [];
        DateTimeOffset grantedAt = default, createdAt = default, updatedAt = default;
        DateTimeOffset? expiresAt = null, revokedAt = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // Names are matched exactly, as the context matches them (snake_case, case-sensitive); the last of a
            // repeated property wins; unknown ones are skipped.
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = Ids.Read(ref reader, typeof(string), options);
                hasId = true;
            }
            else if (reader.ValueTextEquals("api_auth_app_slug"u8))
            {
                appSlug = NextString(ref reader);
            }
            else if (reader.ValueTextEquals("oauth_client_id"u8))
            {
                reader.Read();
                clientId = Ids.Read(ref reader, typeof(string), options);
            }
            else if (reader.ValueTextEquals("resource"u8))
            {
                resource = NextString(ref reader);
            }
            else if (reader.ValueTextEquals("scopes"u8))
            {
                scopes = NextStrings(ref reader);
            }
            else if (reader.ValueTextEquals("status"u8))
            {
                status = NextString(ref reader);
            }
            else if (reader.ValueTextEquals("granted_at"u8))
            {
                grantedAt = NextInstant(ref reader);
            }
            else if (reader.ValueTextEquals("expires_at"u8))
            {
                expiresAt = NextOptionalInstant(ref reader);
            }
            else if (reader.ValueTextEquals("revoked_at"u8))
            {
                revokedAt = NextOptionalInstant(ref reader);
            }
            else if (reader.ValueTextEquals("granted_by_user_id"u8))
            {
                reader.Read();
                grantedBy = Ids.Read(ref reader, typeof(string), options);
            }
            else if (reader.ValueTextEquals("created_at"u8))
            {
                createdAt = NextInstant(ref reader);
            }
            else if (reader.ValueTextEquals("updated_at"u8))
            {
                updatedAt = NextInstant(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (!hasId)
        {
            throw new JsonException($"JSON deserialization for type '{typeof(OAuthGrant)}' was missing required properties including: 'id'.");
        }

        return new OAuthGrant
        {
            Id = id!,
            ApiAuthAppSlug = appSlug!,
            OAuthClientId = clientId!,
            Resource = resource!,
            Scopes = scopes!,
            Status = status!,
            GrantedAt = grantedAt,
            ExpiresAt = expiresAt,
            RevokedAt = revokedAt,
            GrantedByUserId = grantedBy,
            CreatedAt = createdAt,
            UpdatedAt = updatedAt,
        };
    }

    public override void Write(Utf8JsonWriter writer, OAuthGrant value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, WachtJsonContext.Default.OAuthGrant);

    // The reader's own getters throw for a token of the wrong kind or text that is no date; the serializer reports
    // those as a JsonException with the path, as it does for the generated reader.
    private static string? NextString(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.GetString();
    }

    private static DateTimeOffset NextInstant(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.GetDateTimeOffset();
    }

    private static DateTimeOffset? NextOptionalInstant(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Null ? null : reader.GetDateTimeOffset();
    }

    private static List<string>? NextStrings(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"The JSON value could not be converted to {typeof(IReadOnlyList<string>)}.");
        }

        var values = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(reader.GetString()!);
        }

        return values;
    }

    private static JsonTypeInfo<IReadOnlyList<OAuthGrant>> CreateListTypeInfo()
    {
        var options = new JsonSerializerOptions(WachtJsonContext.Default.Options);
        options.Converters.Add(new OAuthGrantJsonConverter());
        options.MakeReadOnly();
        return (JsonTypeInfo<IReadOnlyList<OAuthGrant>>)options.GetTypeInfo(typeof(IReadOnlyList<OAuthGrant>));
    }
}
