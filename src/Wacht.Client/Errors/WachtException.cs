using System.Net;

namespace Wacht.Client;

/// <summary>
/// Base of every error the Wacht client raises. Catch the subclasses to tell failures apart; no string matching is
/// needed. Messages never contain the API key, an Authorization header or a client secret.
/// </summary>
public abstract class WachtException : Exception
{
    protected WachtException(
        string message,
        string deploymentId,
        string operation,
        HttpStatusCode? statusCode,
        string? serverMessage,
        bool isTransient,
        TimeSpan? retryAfter,
        Exception? innerException)
        : base(SecretRedactor.Redact(message, apiKey: null), innerException)
    {
        DeploymentId = deploymentId ?? "";
        Operation = operation ?? "";
        StatusCode = statusCode;
        ServerMessage = serverMessage is null ? null : SecretRedactor.Redact(serverMessage, apiKey: null);
        IsTransient = isTransient;
        RetryAfter = retryAfter;
    }

    /// <summary>The deployment the call was made for.</summary>
    public string DeploymentId { get; }

    /// <summary>The operation, named as the SDK method (e.g. <c>rotateOAuthClientSecret</c>).</summary>
    public string Operation { get; }

    /// <summary>The HTTP status of the response, when there was one.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The server's message (<c>errors[0].message</c>, else <c>message</c>, else the raw text), sanitised and truncated.</summary>
    public string? ServerMessage { get; }

    /// <summary>Whether trying again later may succeed (408, 429, 5xx, network failures, timeouts, open circuit).</summary>
    public bool IsTransient { get; }

    /// <summary>How long the server (or the open circuit) asked to wait, when known.</summary>
    public TimeSpan? RetryAfter { get; }

    internal static string Describe(string operation, string deploymentId) =>
        $"Wacht {operation} for deployment {deploymentId}";

    internal static string DescribeStatus(HttpStatusCode statusCode) =>
        $"HTTP {(int)statusCode} ({statusCode})";

    internal static string DescribeServerMessage(string? serverMessage) =>
        string.IsNullOrWhiteSpace(serverMessage) ? "(the server sent no message)" : serverMessage;
}
