using System.Text.Json.Serialization;

namespace Wacht.Emulator;

/// <summary>Source-generated JSON for the wire (snake_case; nulls written unless a property says otherwise).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(WireApp))]
[JsonSerializable(typeof(WireAppList))]
[JsonSerializable(typeof(WireClient))]
[JsonSerializable(typeof(WireClientList))]
[JsonSerializable(typeof(WireGrantList))]
[JsonSerializable(typeof(WireSigningKeyList))]
[JsonSerializable(typeof(WireRotatedSigningKey))]
[JsonSerializable(typeof(WireDomainVerification))]
[JsonSerializable(typeof(WireClientSecret))]
[JsonSerializable(typeof(WireEmpty))]
[JsonSerializable(typeof(WireErrorEnvelope))]
[JsonSerializable(typeof(WireHealth))]
[JsonSerializable(typeof(WireSecretVerification))]
[JsonSerializable(typeof(WireCalls))]
[JsonSerializable(typeof(WireFaultRules))]
[JsonSerializable(typeof(WireDeploymentSummaries))]
[JsonSerializable(typeof(List<WireScopeDefinitionInput>))]
[JsonSerializable(typeof(WireUpdateAppRequest))]
[JsonSerializable(typeof(WireUpdateScopeRequest))]
[JsonSerializable(typeof(WireScopeMappingRequest))]
[JsonSerializable(typeof(WireClientRequest))]
[JsonSerializable(typeof(WireVerifySecretRequest))]
[JsonSerializable(typeof(WireFaultRulesRequest))]
[JsonSerializable(typeof(FaultRule))]
[JsonSerializable(typeof(WireOAuthError))]
[JsonSerializable(typeof(WireIntrospection))]
[JsonSerializable(typeof(WireRevocation))]
[JsonSerializable(typeof(HoldRule))]
[JsonSerializable(typeof(WireHolds))]
[JsonSerializable(typeof(WireReleaseRequest))]
[JsonSerializable(typeof(WireReleased))]
[JsonSerializable(typeof(string))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
