using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Wacht.Client;

/// <summary>
/// Resolves the API key of one deployment for every request: inline, from an environment variable, or from a file.
/// A file is re-read when its resolved target, size or modification time changes (Kubernetes swaps a mounted
/// secret through a symlink), and at least once a minute. Errors name the setting and never contain the key.
/// </summary>
internal sealed class WachtApiKeyProvider
{
    private static readonly TimeSpan FileRecheckInterval = TimeSpan.FromSeconds(60);

    private readonly string _deploymentId;
    private readonly string _settingPath;
    private readonly string? _inlineKey;
    private readonly string? _environmentVariable;
    private readonly string? _file;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private FileFingerprint? _fingerprint;
    private long _fingerprintCheckedAt;
    private string? _fileKey;
    private volatile string? _lastKnownKey;

    public WachtApiKeyProvider(string deploymentId, string settingPath, WachtDeploymentOptions options, ILogger logger)
    {
        _deploymentId = deploymentId;
        _settingPath = settingPath;
        _logger = logger;
        if (!string.IsNullOrWhiteSpace(options.ApiKey))
        {
            _inlineKey = options.ApiKey.Trim();
        }
        else if (!string.IsNullOrWhiteSpace(options.ApiKeyEnvironmentVariable))
        {
            _environmentVariable = options.ApiKeyEnvironmentVariable.Trim();
        }
        else if (!string.IsNullOrWhiteSpace(options.ApiKeyFile))
        {
            _file = options.ApiKeyFile.Trim();
        }
    }

    /// <summary>The key most recently handed out, for redaction only.</summary>
    public string? LastKnownKey => _lastKnownKey;

    public string GetApiKey(string operation)
    {
        string key;
        if (_inlineKey is not null)
        {
            key = Check(_inlineKey, "ApiKey", operation);
        }
        else if (_environmentVariable is not null)
        {
            var value = Environment.GetEnvironmentVariable(_environmentVariable)?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                throw Fail(operation, "ApiKeyEnvironmentVariable", $"the environment variable '{_environmentVariable}' is not set or empty");
            }

            key = Check(value, "ApiKeyEnvironmentVariable", operation);
        }
        else if (_file is not null)
        {
            key = GetFileKey(operation);
        }
        else
        {
            throw Fail(operation, "ApiKey", "set exactly one of ApiKey, ApiKeyEnvironmentVariable or ApiKeyFile");
        }

        _lastKnownKey = key;
        return key;
    }

    private string GetFileKey(string operation)
    {
        lock (_gate)
        {
            var fingerprint = FileFingerprint.Of(_file!);
            if (fingerprint is null)
            {
                throw Fail(operation, "ApiKeyFile", $"the API key file '{_file}' does not exist");
            }

            var stale = Stopwatch.GetElapsedTime(_fingerprintCheckedAt) >= FileRecheckInterval;
            if (_fileKey is not null && fingerprint == _fingerprint && !stale)
            {
                return _fileKey;
            }

            string text;
            try
            {
                text = File.ReadAllText(_file!);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw Fail(operation, "ApiKeyFile", $"the API key file '{_file}' cannot be read ({ex.GetType().Name})", ex);
            }

            var value = text.Trim();
            if (value.Length == 0)
            {
                throw Fail(operation, "ApiKeyFile", $"the API key file '{_file}' is empty");
            }

            value = Check(value, "ApiKeyFile", operation);
            var changed = _fileKey is not null && !string.Equals(_fileKey, value, StringComparison.Ordinal);
            var firstLoad = _fileKey is null;
            _fileKey = value;
            _fingerprint = fingerprint;
            _fingerprintCheckedAt = Stopwatch.GetTimestamp();
            if (firstLoad || changed)
            {
                Log.ApiKeyFileLoaded(_logger, _deploymentId, _file!, changed);
            }

            return value;
        }
    }

    private string Check(string key, string setting, string operation) =>
        ApiKeyText.IsHeaderSafe(key)
            ? key
            : throw Fail(operation, setting, "the API key contains whitespace or characters that are not allowed in an HTTP header (value not shown)");

    private WachtConfigurationException Fail(string operation, string setting, string problem, Exception? inner = null) =>
        new(_deploymentId, operation, $"{_settingPath}:{setting}: {problem}.", inner);

    private sealed record FileFingerprint(string ResolvedPath, long Length, DateTime LastWriteUtc)
    {
        public static FileFingerprint? Of(string path)
        {
            try
            {
                var info = new FileInfo(path);
                if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target)
                {
                    info = target;
                }

                info.Refresh();
                return info.Exists ? new FileFingerprint(info.FullName, info.Length, info.LastWriteTimeUtc) : null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }
    }
}
