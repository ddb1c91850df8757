using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Wacht.Worker.TestSupport.Fakes.Aws;

/// <summary>
/// AWS Secrets Manager on a free loopback port, speaking the JSON protocol (<c>POST /</c>, <c>X-Amz-Target</c>) for the
/// operations the destination uses: <c>GetSecretValue</c>, <c>DescribeSecret</c>, <c>CreateSecret</c>,
/// <c>PutSecretValue</c> (with <c>ClientRequestToken</c> idempotency) and <c>UpdateSecretVersionStage</c> (with the
/// <c>RemoveFromVersionId</c> check), staging labels AWSCURRENT/AWSPREVIOUS. Every request's SigV4 signature is
/// recomputed here from the known credentials (a compact HMAC chain written from the SigV4 specification, independent
/// of the SDK's signer), and IAM-like grants say which actions each access key may call. Faults: unreachable, slow, a
/// concurrent writer before a given write, scripted failures. See README.md in Fakes/ for sources and limits.
/// </summary>
public sealed class FakeSecretsManager : IAsyncDisposable
{
    public const string Region = "eu-central-1";
    public const string Account = "000000000000";

    private readonly object _gate = new();
    private readonly Dictionary<string, Secret> _secrets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string SecretKey, string Principal)> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _grants = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Func<Task>> _beforeWrite = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TimeSpan> _slow = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private WebApplication? _app;

    private FakeSecretsManager()
    {
    }

    public Uri BaseAddress { get; private set; } = null!;

    public bool Unreachable { get; set; }

    /// <summary>Every request as <c>Operation SecretId</c>, in order (also those refused).</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public ConcurrentQueue<string> Bodies { get; } = new();

    /// <summary>Every answer body sent.</summary>
    public ConcurrentQueue<string> Answers { get; } = new();

    public static async Task<FakeSecretsManager> StartAsync()
    {
        var fake = new FakeSecretsManager();
        (fake._app, fake.BaseAddress) = await FakeHost.StartAsync(app => app.MapPost("/", (Func<HttpContext, Task<IResult>>)(c => fake.HandleAsync(c))), () => fake.Unreachable);
        return fake;
    }

    /// <summary>Adds an access key (a principal such as <c>user/wacht-worker</c>).</summary>
    public void AddAccessKey(string accessKeyId, string secretAccessKey, string principal)
    {
        lock (_gate)
        {
            _keys[accessKeyId] = (secretAccessKey, principal);
        }
    }

    /// <summary>Sets the actions (e.g. <c>secretsmanager:PutSecretValue</c>, or <c>secretsmanager:*</c>) the access key may call.</summary>
    public void Grant(string accessKeyId, params string[] actions)
    {
        lock (_gate)
        {
            _grants[accessKeyId] = new HashSet<string>(actions, StringComparer.Ordinal);
        }
    }

    public void MakeSlow(string name, TimeSpan delay) => _slow[name] = delay;

    public void ClearSlow() => _slow.Clear();

    /// <summary>Runs <paramref name="action"/> when the next CreateSecret, PutSecretValue or UpdateSecretVersionStage of this secret arrives, before it is applied.</summary>
    public void BeforeNextWrite(string name, Func<Task> action) => _beforeWrite[name] = action;

    /// <summary>The next <paramref name="times"/> calls of <paramref name="operation"/> are answered 500 InternalServiceError, unapplied.</summary>
    public void FailNext(string operation, int times) => _failures[operation] = times;

    /// <summary>Stores a new AWSCURRENT version directly (as another client calling PutSecretValue without stages would), creating the secret if needed.</summary>
    public string PutCurrent(string name, string secretString)
    {
        lock (_gate)
        {
            if (!_secrets.TryGetValue(name, out var secret))
            {
                secret = new Secret(name, Arn(name));
                _secrets[name] = secret;
            }

            var id = Guid.NewGuid().ToString();
            secret.Versions[id] = new Version(secretString, []);
            MoveLabel(secret, "AWSCURRENT", id);
            return id;
        }
    }

    /// <summary>The AWSCURRENT value, or null.</summary>
    public string? Current(string name)
    {
        lock (_gate)
        {
            return _secrets.TryGetValue(name, out var s) && s.Versions.FirstOrDefault(v => v.Value.Stages.Contains("AWSCURRENT")) is { Value: { } v } ? v.SecretString : null;
        }
    }

    /// <summary>Version id → labels of a secret.</summary>
    public IReadOnlyDictionary<string, string[]> Stages(string name)
    {
        lock (_gate)
        {
            return _secrets.TryGetValue(name, out var s) ? s.Versions.ToDictionary(v => v.Key, v => v.Value.Stages.Order().ToArray()) : new Dictionary<string, string[]>();
        }
    }

    /// <summary>Marks the secret as scheduled for deletion.</summary>
    public void ScheduleDeletion(string name)
    {
        lock (_gate)
        {
            _secrets[name].Deleted = DateTimeOffset.UtcNow;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        var bytes = await ReadAllAsync(context);
        var text = Encoding.UTF8.GetString(bytes);
        Bodies.Enqueue(text);
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        var operation = target.StartsWith("secretsmanager.", StringComparison.Ordinal) ? target["secretsmanager.".Length..] : "";
        JsonObject? body;
        try
        {
            body = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        var name = body?["SecretId"]?.GetValue<string>() ?? body?["Name"]?.GetValue<string>() ?? "";
        Requests.Enqueue($"{operation} {name}");
        if (context.Request.ContentType != "application/x-amz-json-1.1")
        {
            return Error(HttpStatusCode.BadRequest, "SerializationException", $"Unsupported content type {context.Request.ContentType}");
        }

        if (Authenticate(context, bytes) is { } refused)
        {
            return refused;
        }

        var accessKey = AccessKeyOf(context);
        if (body is null)
        {
            return Error(HttpStatusCode.BadRequest, "SerializationException", "Start of structure or map found where not expected.");
        }

        if (operation is not ("GetSecretValue" or "DescribeSecret" or "CreateSecret" or "PutSecretValue" or "UpdateSecretVersionStage"))
        {
            return Error(HttpStatusCode.BadRequest, "UnknownOperationException", "");
        }

        lock (_gate)
        {
            var grants = _grants.GetValueOrDefault(accessKey) ?? [];
            if (!grants.Contains("secretsmanager:*") && !grants.Contains("secretsmanager:" + operation))
            {
                return Error(
                    HttpStatusCode.BadRequest,
                    "AccessDeniedException",
                    $"User: arn:aws:iam::{Account}:{_keys[accessKey].Principal} is not authorized to perform: secretsmanager:{operation} on resource: {name} because no identity-based policy allows the secretsmanager:{operation} action");
            }
        }

        if (_failures.TryGetValue(operation, out var left) && left > 0 && _failures.TryUpdate(operation, left - 1, left))
        {
            return Error(HttpStatusCode.InternalServerError, "InternalServiceError", "An error occurred on the server side.");
        }

        await FakeHost.DelayAsync(_slow.TryGetValue(name, out var delay) ? delay : null, context);
        if (operation is "CreateSecret" or "PutSecretValue" or "UpdateSecretVersionStage" && _beforeWrite.TryRemove(name, out var action))
        {
            await action();
        }

        lock (_gate)
        {
            return operation switch
            {
                "GetSecretValue" => GetSecretValue(name, body),
                "DescribeSecret" => DescribeSecret(name),
                "CreateSecret" => CreateSecret(name, body),
                "PutSecretValue" => PutSecretValue(name, body),
                _ => UpdateSecretVersionStage(name, body),
            };
        }
    }

    private IResult GetSecretValue(string name, JsonObject body)
    {
        if (!_secrets.TryGetValue(name, out var secret) || secret.Deleted is not null)
        {
            return NotFound();
        }

        var stage = body["VersionStage"]?.GetValue<string>();
        var id = body["VersionId"]?.GetValue<string>();
        var match = secret.Versions.FirstOrDefault(v => id is not null ? v.Key == id : v.Value.Stages.Contains(stage ?? "AWSCURRENT"));
        if (match.Value is null)
        {
            return Error(HttpStatusCode.BadRequest, "ResourceNotFoundException", $"Secrets Manager can't find the specified secret value for staging label: {stage ?? "AWSCURRENT"}");
        }

        return Ok(new JsonObject
        {
            ["ARN"] = secret.Arn,
            ["Name"] = name,
            ["VersionId"] = match.Key,
            ["SecretString"] = match.Value.SecretString,
            ["VersionStages"] = new JsonArray([.. match.Value.Stages.Select(s => (JsonNode)s)]),
            ["CreatedDate"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        });
    }

    private IResult DescribeSecret(string name)
    {
        if (!_secrets.TryGetValue(name, out var secret))
        {
            return NotFound();
        }

        var stages = new JsonObject();
        foreach (var (id, version) in secret.Versions.Where(v => v.Value.Stages.Count > 0))
        {
            stages[id] = new JsonArray([.. version.Stages.Select(s => (JsonNode)s)]);
        }

        var answer = new JsonObject { ["ARN"] = secret.Arn, ["Name"] = name, ["VersionIdsToStages"] = stages };
        if (secret.Deleted is { } deleted)
        {
            answer["DeletedDate"] = deleted.ToUnixTimeSeconds();
        }

        return Ok(answer);
    }

    private IResult CreateSecret(string name, JsonObject body)
    {
        if (_secrets.TryGetValue(name, out var existing))
        {
            return existing.Deleted is not null
                ? Error(HttpStatusCode.BadRequest, "InvalidRequestException", "You can't create this secret because a secret with this name is already scheduled for deletion.")
                : Error(HttpStatusCode.BadRequest, "ResourceExistsException", $"The operation failed because the secret {name} already exists.");
        }

        var secret = new Secret(name, Arn(name));
        _secrets[name] = secret;
        var answer = new JsonObject { ["ARN"] = secret.Arn, ["Name"] = name };
        if (body["SecretString"]?.GetValue<string>() is { } value)
        {
            var id = body["ClientRequestToken"]?.GetValue<string>() ?? Guid.NewGuid().ToString();
            secret.Versions[id] = new Version(value, ["AWSCURRENT"]);
            answer["VersionId"] = id;
        }

        return Ok(answer);
    }

    private IResult PutSecretValue(string name, JsonObject body)
    {
        if (!_secrets.TryGetValue(name, out var secret) || secret.Deleted is not null)
        {
            return NotFound();
        }

        var token = body["ClientRequestToken"]?.GetValue<string>();
        var value = body["SecretString"]?.GetValue<string>();
        if (token is null || token.Length is < 32 or > 64 || value is null)
        {
            return Error(HttpStatusCode.BadRequest, "InvalidParameterException", "You must provide a ClientRequestToken of 32 to 64 characters and a SecretString.");
        }

        var stages = (body["VersionStages"] as JsonArray)?.Select(s => s!.GetValue<string>()).ToList() ?? ["AWSCURRENT"];
        if (secret.Versions.TryGetValue(token, out var existing))
        {
            // Same token, same value: the request is ignored (idempotent). Same token, another value: refused.
            return existing.SecretString == value
                ? Ok(new JsonObject { ["ARN"] = secret.Arn, ["Name"] = name, ["VersionId"] = token, ["VersionStages"] = new JsonArray([.. existing.Stages.Select(s => (JsonNode)s)]) })
                : Error(HttpStatusCode.BadRequest, "ResourceExistsException", "You can't modify an existing version, you can only create a new version.");
        }

        if (secret.Versions.Count == 0 && !stages.Contains("AWSCURRENT"))
        {
            stages.Add("AWSCURRENT"); // the first version is always AWSCURRENT
        }

        secret.Versions[token] = new Version(value, []);
        foreach (var stage in stages)
        {
            MoveLabel(secret, stage, token);
        }

        return Ok(new JsonObject { ["ARN"] = secret.Arn, ["Name"] = name, ["VersionId"] = token, ["VersionStages"] = new JsonArray([.. stages.Select(s => (JsonNode)s)]) });
    }

    private IResult UpdateSecretVersionStage(string name, JsonObject body)
    {
        if (!_secrets.TryGetValue(name, out var secret) || secret.Deleted is not null)
        {
            return NotFound();
        }

        var stage = body["VersionStage"]?.GetValue<string>() ?? "";
        var moveTo = body["MoveToVersionId"]?.GetValue<string>();
        var removeFrom = body["RemoveFromVersionId"]?.GetValue<string>();
        var holder = secret.Versions.FirstOrDefault(v => v.Value.Stages.Contains(stage)).Key;
        if (moveTo is not null && !secret.Versions.ContainsKey(moveTo))
        {
            return Error(HttpStatusCode.BadRequest, "ResourceNotFoundException", $"Secrets Manager can't find the specified secret version: {moveTo}");
        }

        if (holder is not null && holder != moveTo && holder != removeFrom)
        {
            return Error(
                HttpStatusCode.BadRequest,
                "InvalidParameterException",
                removeFrom is null
                    ? $"The parameter RemoveFromVersionId can't be empty. Staging label {stage} is currently attached to version {holder}, so you must explicitly reference that version in RemoveFromVersionId."
                    : $"The parameter RemoveFromVersionId doesn't match: staging label {stage} is currently attached to version {holder}.");
        }

        if (moveTo is not null)
        {
            MoveLabel(secret, stage, moveTo);
        }
        else if (holder is not null)
        {
            secret.Versions[holder].Stages.Remove(stage);
        }

        return Ok(new JsonObject { ["ARN"] = secret.Arn, ["Name"] = name });
    }

    /// <summary>Attaches <paramref name="stage"/> to one version; moving AWSCURRENT moves AWSPREVIOUS to the version it left.</summary>
    private static void MoveLabel(Secret secret, string stage, string versionId)
    {
        var previous = secret.Versions.FirstOrDefault(v => v.Value.Stages.Contains(stage)).Key;
        if (previous == versionId)
        {
            return;
        }

        if (previous is not null)
        {
            secret.Versions[previous].Stages.Remove(stage);
        }

        secret.Versions[versionId].Stages.Add(stage);
        if (stage == "AWSCURRENT" && previous is not null)
        {
            MoveLabel(secret, "AWSPREVIOUS", previous);
        }
    }

    /// <summary>Recomputes the SigV4 signature (AWS4-HMAC-SHA256) from the access key's secret; refuses as AWS does.</summary>
    private IResult? Authenticate(HttpContext context, byte[] body)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        const string algorithm = "AWS4-HMAC-SHA256 ";
        if (!authorization.StartsWith(algorithm, StringComparison.Ordinal))
        {
            return Error(HttpStatusCode.BadRequest, "MissingAuthenticationTokenException", "Missing Authentication Token");
        }

        var parts = authorization[algorithm.Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaders) || !parts.TryGetValue("Signature", out var signature))
        {
            return Error(HttpStatusCode.BadRequest, "IncompleteSignatureException", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.");
        }

        var scope = credential.Split('/');
        (string SecretKey, string Principal) key;
        lock (_gate)
        {
            if (scope.Length != 5 || !_keys.TryGetValue(scope[0], out key))
            {
                return Error(HttpStatusCode.BadRequest, "UnrecognizedClientException", "The security token included in the request is invalid.");
            }
        }

        var amzDate = context.Request.Headers["X-Amz-Date"].ToString();
        if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt)
            || Math.Abs((DateTimeOffset.UtcNow - signedAt).TotalMinutes) > 5)
        {
            return Error(HttpStatusCode.BadRequest, "InvalidSignatureException", $"Signature expired or X-Amz-Date missing: {amzDate}");
        }

        if (scope[1] != amzDate[..8] || scope[2] != Region || scope[3] != "secretsmanager" || scope[4] != "aws4_request")
        {
            return Error(HttpStatusCode.BadRequest, "InvalidSignatureException", $"Credential should be scoped to a valid region and service: {credential}");
        }

        var names = signedHeaders.Split(';');
        if (!names.Contains("host") || !names.Contains("x-amz-date") || !names.Contains("x-amz-target"))
        {
            return Error(HttpStatusCode.BadRequest, "InvalidSignatureException", "The signed headers must include host, x-amz-date and x-amz-target.");
        }

        var canonicalHeaders = string.Concat(names.Select(n => $"{n}:{string.Join(",", context.Request.Headers[n].Select(v => string.Join(' ', (v ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))))}\n"));
        var canonicalRequest = $"{context.Request.Method}\n/\n\n{canonicalHeaders}\n{signedHeaders}\n{Hex(SHA256.HashData(body))}";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope[1]}/{scope[2]}/{scope[3]}/aws4_request\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var signingKey = Encoding.UTF8.GetBytes("AWS4" + key.SecretKey);
        foreach (var step in new[] { scope[1], scope[2], scope[3], "aws4_request" })
        {
            signingKey = HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(step));
        }

        var expected = Hex(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))
            ? null
            : Error(HttpStatusCode.BadRequest, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
    }

    private static string AccessKeyOf(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        var start = authorization.IndexOf("Credential=", StringComparison.Ordinal) + "Credential=".Length;
        return authorization[start..authorization.IndexOf('/', start)];
    }

    private static async Task<byte[]> ReadAllAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return buffer.ToArray();
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static string Arn(string name) => $"arn:aws:secretsmanager:{Region}:{Account}:secret:{name}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";

    private IResult NotFound() => Error(HttpStatusCode.BadRequest, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");

    private IResult Ok(JsonObject body) => Answer(HttpStatusCode.OK, body, null);

    private IResult Error(HttpStatusCode status, string type, string message) =>
        Answer(status, new JsonObject { ["__type"] = type, ["message"] = message }, type);

    private IResult Answer(HttpStatusCode status, JsonObject body, string? errorType)
    {
        var text = body.ToJsonString();
        Answers.Enqueue(text);
        return new AwsResult((int)status, text, errorType);
    }

    private sealed class AwsResult(int status, string body, string? errorType) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/x-amz-json-1.1";
            httpContext.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
            if (errorType is not null)
            {
                httpContext.Response.Headers["x-amzn-ErrorType"] = errorType;
            }

            return httpContext.Response.WriteAsync(body);
        }
    }

    private sealed class Secret(string name, string arn)
    {
        public string Name { get; } = name;

        public string Arn { get; } = arn;

        public Dictionary<string, Version> Versions { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset? Deleted { get; set; }
    }

    private sealed record Version(string SecretString, HashSet<string> Stages);
}
