using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Wacht.Client.Serialization;
using Wacht.Client.Tests.Support;

namespace Wacht.Client.Tests;

public sealed class RedactionTests
{
    private const string ClientId = "9223372036854775806";

    [Fact]
    public void Client_secret_prints_redacted_and_reveals_on_request()
    {
        var secret = new ClientSecret(Fixtures.Secret);

        Assert.Equal("oc_secret_…(redacted)", secret.ToString());
        Assert.Equal("…(redacted)", new ClientSecret("custom-format-secret").ToString());
        Assert.Equal(Fixtures.Secret, secret.Reveal());
        Assert.DoesNotContain(Fixtures.Secret, $"{secret}", StringComparison.Ordinal);
        Assert.Equal(12, secret.Fingerprint.Length);
        Assert.DoesNotContain(secret.Fingerprint, Fixtures.Secret, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_secrets_compare_by_value()
    {
        Assert.Equal(new ClientSecret(Fixtures.Secret), new ClientSecret(Fixtures.Secret));
        Assert.NotEqual(new ClientSecret(Fixtures.Secret), new ClientSecret(Fixtures.Secret + "x"));
        Assert.Equal(new ClientSecret(Fixtures.Secret).GetHashCode(), new ClientSecret(Fixtures.Secret).GetHashCode());
    }

    [Fact]
    public void Records_holding_a_secret_never_print_it()
    {
        var rotated = new RotatedClientSecret { ClientSecret = new ClientSecret(Fixtures.Secret) };
        var created = WachtResponseReader.ReadObject(System.Text.Encoding.UTF8.GetBytes(Fixtures.CreatedClient), WachtJsonContext.Default.CreatedOAuthClient);

        Assert.DoesNotContain(Fixtures.Secret, rotated.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Fixtures.Secret, created.ToString(), StringComparison.Ordinal);
        Assert.Contains("oc_secret_…(redacted)", created.ToString(), StringComparison.Ordinal);
        Assert.Contains("oc_client_5f2b8e", created.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_serialisation_of_a_secret_is_explicit_and_round_trips()
    {
        var rotated = new RotatedClientSecret { ClientSecret = new ClientSecret(Fixtures.Secret) };

        var json = JsonSerializer.Serialize(rotated, WachtJsonContext.Default.RotatedClientSecret);

        Assert.Equal(Fixtures.RotatedSecret, json);
    }

    public static TheoryData<WachtException> EveryExceptionType()
    {
        const string Dirty = "echo " + Fixtures.Secret + " Bearer abc.def-ghi {\"client_secret\":\"plain-secret\"} client_secret=form-secret";
        return
        [
            new WachtBadRequestException("1", "op", Dirty),
            new WachtUnauthorizedException("1", "op", Dirty),
            new WachtForbiddenException("1", "op", Dirty),
            new WachtNotFoundException("1", "op", Dirty),
            new WachtConflictException("1", "op", Dirty),
            new WachtRateLimitedException("1", "op", Dirty, TimeSpan.FromSeconds(3)),
            new WachtServerException("1", "op", HttpStatusCode.BadGateway, Dirty),
            new WachtApiException("1", "op", HttpStatusCode.UnprocessableEntity, Dirty),
            new WachtOutcomeUnknownException("1", "op", Dirty, HttpStatusCode.InternalServerError, Dirty),
            new WachtTransportException("1", "op", Dirty, requestMayHaveBeenSent: true),
            new WachtResponseFormatException("1", "op", HttpStatusCode.OK, Dirty),
            new WachtCircuitOpenException("1", "op", TimeSpan.FromSeconds(5)),
            new WachtConfigurationException("1", "op", Dirty),
        ];
    }

    [Theory]
    [MemberData(nameof(EveryExceptionType))]
    public void No_exception_message_carries_a_secret_or_bearer_token(WachtException exception)
    {
        foreach (var text in new[] { exception.Message, exception.ServerMessage ?? "", exception.ToString() })
        {
            Assert.DoesNotContain(Fixtures.Secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("abc.def-ghi", text, StringComparison.Ordinal);
            Assert.DoesNotContain("plain-secret", text, StringComparison.Ordinal);
            Assert.DoesNotContain("form-secret", text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("oc_secret_abc-DEF_123 trailing", "[REDACTED] trailing")]
    [InlineData("Authorization: Bearer eyJhbGciOi.payload.sig==", "Authorization: Bearer [REDACTED]")]
    [InlineData("""{"client_secret":"s3cr\"et","x":1}""", """{"client_secret":"[REDACTED]","x":1}""")]
    [InlineData("client_secret=abc&grant_type=x", "client_secret=[REDACTED]&grant_type=x")]
    [InlineData("nothing to hide", "nothing to hide")]
    public void Redactor_removes_every_secret_shape(string input, string expected)
    {
        Assert.Equal(expected, SecretRedactor.Redact(input, apiKey: null));
    }

    [Fact]
    public void Redactor_removes_the_api_key()
    {
        Assert.Equal("key [REDACTED] echoed", SecretRedactor.Redact($"key {WachtTestHost.ApiKey} echoed", WachtTestHost.ApiKey));
    }

    [Fact]
    public async Task No_log_line_at_any_level_carries_the_api_key_a_bearer_header_or_a_secret()
    {
        var handler = new StubHttpHandler()
            .ThenJson(Fixtures.Apps(Fixtures.App))
            .ThenJson(Fixtures.CreatedClient)
            .ThenJson(Fixtures.RotatedSecret)
            .ThenError(HttpStatusCode.ServiceUnavailable).ThenJson(Fixtures.Grants(Fixtures.GrantMinimal))
            .ThenError(HttpStatusCode.BadRequest, $"bad secret {Fixtures.Secret} for {WachtTestHost.ApiKey}")
            .ThenError(HttpStatusCode.InternalServerError)
            .ThenStall();
        await using var host = WachtTestHost.Create(handler, static s => s[$"Wacht:Deployments:{WachtTestHost.DeploymentId}:RequestTimeout"] = "00:00:01");
        var client = host.Client;

        await client.ListOAuthAppsAsync();
        var created = await client.CreateOAuthClientAsync("reports", new CreateOAuthClientRequest
        {
            ClientAuthMethod = ClientAuthMethods.ClientSecretBasic,
            GrantTypes = [GrantTypes.AuthorizationCode],
        });
        var rotated = await client.RotateOAuthClientSecretAsync("reports", ClientId);
        await client.ListOAuthGrantsAsync("reports", ClientId);
        await Assert.ThrowsAsync<WachtBadRequestException>(() => client.UpdateOAuthClientAsync("reports", ClientId, new UpdateOAuthClientRequest()));
        await Assert.ThrowsAsync<WachtOutcomeUnknownException>(() => client.RotateOAuthClientSecretAsync("reports", ClientId));
        await Assert.ThrowsAsync<WachtOutcomeUnknownException>(() => client.RotateOAuthClientSecretAsync("reports", ClientId));

        // Callers log results and exceptions too: those must stay clean as well.
        var logger = host.Services.GetRequiredService<ILogger<RedactionTests>>();
        logger.LogInformation("Created {Client} and rotated {Rotated}", created, rotated);

        var records = host.Logs.GetSnapshot();
        Assert.Contains(records, static r => r.Category == "Wacht.Client" && r.Level == LogLevel.Debug);
        Assert.Contains(records, static r => r.Category == "Wacht.Client" && r.Level == LogLevel.Warning && r.Id.Name == "WachtOutcomeUnknown");
        Assert.Contains(records, static r => r.Category == typeof(RedactionTests).FullName);
        Assert.Contains(records, static r => r.Category == "Polly" && r.Message.Contains("Operation Key: 'rotateOAuthClientSecret'", StringComparison.Ordinal));
        foreach (var record in records)
        {
            foreach (var text in Texts(record))
            {
                Assert.DoesNotContain(WachtTestHost.ApiKey, text, StringComparison.Ordinal);
                Assert.DoesNotContain("Bearer", text, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(Fixtures.Secret, text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task The_http_client_factory_header_logging_is_removed_for_the_wacht_client()
    {
        // Its formatted message redacts headers, but its log state still carries raw values (the Authorization
        // header) for structured logging providers; the client therefore removes those loggers altogether.
        var handler = new StubHttpHandler().AlwaysJson(Fixtures.Apps());
        await using var host = WachtTestHost.Create(handler);

        await host.Client.ListOAuthAppsAsync();

        Assert.DoesNotContain(host.Logs.GetSnapshot(), static r => (r.Category ?? "").StartsWith("System.Net.Http.HttpClient.Wacht.Client", StringComparison.Ordinal));
        Assert.Contains(host.Logs.GetSnapshot(), static r => r.Id.Name == "WachtRequestCompleted");
    }

    private static IEnumerable<string> Texts(FakeLogRecord record)
    {
        yield return record.Message;
        yield return record.ToString();
        if (record.Exception is not null)
        {
            yield return record.Exception.ToString();
        }

        foreach (var pair in record.StructuredState ?? [])
        {
            yield return pair.Value ?? "";
        }

        foreach (var scope in record.Scopes)
        {
            yield return scope?.ToString() ?? "";
        }
    }
}
