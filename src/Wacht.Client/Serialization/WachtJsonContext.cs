using System.Text.Json.Serialization;

namespace Wacht.Client.Serialization;

/// <summary>
/// The source-generated System.Text.Json context of the client: snake_case names, nulls omitted when writing
/// requests, unknown properties ignored when reading.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(OAuthApp))]
[JsonSerializable(typeof(OAuthClient))]
[JsonSerializable(typeof(CreatedOAuthClient))]
[JsonSerializable(typeof(OAuthGrant))]
[JsonSerializable(typeof(SigningKey))]
[JsonSerializable(typeof(DomainVerification))]
[JsonSerializable(typeof(RotatedClientSecret))]
[JsonSerializable(typeof(IReadOnlyList<OAuthApp>))]
[JsonSerializable(typeof(IReadOnlyList<OAuthClient>))]
[JsonSerializable(typeof(IReadOnlyList<OAuthGrant>))]
[JsonSerializable(typeof(IReadOnlyList<SigningKey>))]
[JsonSerializable(typeof(IReadOnlyList<ScopeDefinition>))]
[JsonSerializable(typeof(UpdateOAuthAppRequest))]
[JsonSerializable(typeof(UpdateOAuthScopeRequest))]
[JsonSerializable(typeof(SetOAuthScopeMappingRequest))]
[JsonSerializable(typeof(CreateOAuthClientRequest))]
[JsonSerializable(typeof(UpdateOAuthClientRequest))]
internal sealed partial class WachtJsonContext : JsonSerializerContext;
