using Microsoft.Extensions.Logging;

namespace Wacht.Worker.Secrets.Aws;

/// <summary>The AWS Secrets Manager destination's log messages. None carries a secret or a credential.</summary>
internal static partial class AwsLog
{
    [LoggerMessage(EventId = 2141, EventName = "AwsSecretRaceLost", Level = LogLevel.Information,
        Message = "Destination {Destination}: secret {Key} changed between read and write ({Why}; attempt {Attempt}); reading it again")]
    public static partial void RaceLost(ILogger logger, string destination, string key, string why, int attempt);

    [LoggerMessage(EventId = 2142, EventName = "AwsSecretWithoutStamp", Level = LogLevel.Warning,
        Message = "Destination {Destination}: secret {Key} (version {VersionId}) holds no value written by the worker; it is replaced")]
    public static partial void SecretWithoutStamp(ILogger logger, string destination, string key, string versionId);
}
