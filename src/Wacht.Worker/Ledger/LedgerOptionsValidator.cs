using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Wacht.Worker.Ledger;

/// <summary>
/// Validates <see cref="LedgerOptions"/> at start. Each message begins with the setting to fix. No message contains
/// the encryption key or a connection string.
/// </summary>
internal sealed class LedgerOptionsValidator : IValidateOptions<LedgerOptions>
{
    /// <summary>The configuration key that turns secret rotation on (default true when absent).</summary>
    internal const string RotationEnabledKey = "Worker:Rotation:Enabled";

    private static readonly TimeSpan MinCommandTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxCommandTimeout = TimeSpan.FromHours(1);

    private readonly IConfiguration _configuration;

    public LedgerOptionsValidator(IConfiguration configuration)
    {
        _configuration = configuration;
    }

    public ValidateOptionsResult Validate(string? name, LedgerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string path = LedgerOptions.SectionPath;

        if (!Enum.IsDefined(options.Provider))
        {
            failures.Add($"{path}:Provider: must be Sqlite or PostgreSql");
        }
        else if (options.Provider == LedgerProvider.Sqlite)
        {
            if (string.IsNullOrWhiteSpace(options.SqlitePath))
            {
                failures.Add($"{path}:SqlitePath: must be set when Provider is Sqlite (default data/wacht-worker.db)");
            }
        }
        else
        {
            ValidateConnectionString(options, failures);
        }

        if (options.CommandTimeout < MinCommandTimeout || options.CommandTimeout > MaxCommandTimeout)
        {
            failures.Add($"{path}:CommandTimeout: must be between 00:00:01 and 01:00:00 (got {options.CommandTimeout})");
        }

        ValidateKey(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void ValidateKey(LedgerOptions options, List<string> failures)
    {
        bool rotationEnabled;
        try
        {
            rotationEnabled = _configuration.GetValue<bool?>(RotationEnabledKey) ?? true;
        }
        catch (InvalidOperationException)
        {
            failures.Add($"{RotationEnabledKey}: must be true or false");
            rotationEnabled = true;
        }

        if (!LedgerKeyMaterial.IsConfigured(options))
        {
            if (rotationEnabled)
            {
                failures.Add($"{LedgerKeyMaterial.KeySettings} must be set because {RotationEnabledKey} is true; {LedgerKeyMaterial.GenerateHint}");
            }

            return;
        }

        // A configured key is checked even when rotation is off: a broken setting is reported, not ignored.
        if (!LedgerKeyMaterial.TryResolve(options, out var key, out var error))
        {
            failures.Add(error!);
        }
        else
        {
            Array.Clear(key!);
            if (!string.IsNullOrWhiteSpace(options.EncryptionKeyFile) && ExposedFileMode(options.EncryptionKeyFile.Trim()) is { } mode)
            {
                failures.Add($"{LedgerOptions.SectionPath}:EncryptionKeyFile: the key file '{options.EncryptionKeyFile.Trim()}' can be read or changed by "
                    + $"other users (mode {mode}); let only its owner read it (chmod 600), or its owner and one group (chmod 640)");
            }
        }
    }

    /// <summary>The file's mode in octal when users other than its owner and group may read or change it, or its group may change it.</summary>
    private static string? ExposedFileMode(string file)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        const UnixFileMode exposed = UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute | UnixFileMode.GroupWrite;
        var mode = File.GetUnixFileMode(file);
        return (mode & exposed) != 0 ? Convert.ToString((int)mode, 8).PadLeft(4, '0') : null;
    }

    private static void ValidateConnectionString(LedgerOptions options, List<string> failures)
    {
        const string path = LedgerOptions.SectionPath;
        var hasText = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var hasVariable = !string.IsNullOrWhiteSpace(options.ConnectionStringEnvironmentVariable);
        if (hasText == hasVariable)
        {
            failures.Add($"{path}:ConnectionString: set exactly one of ConnectionString or ConnectionStringEnvironmentVariable when Provider is PostgreSql"
                + (hasText ? " (both are set)" : " (none is set)"));
            return;
        }

        string setting;
        string? value;
        if (hasText)
        {
            setting = $"{path}:ConnectionString";
            value = options.ConnectionString;
        }
        else
        {
            var variable = options.ConnectionStringEnvironmentVariable!.Trim();
            setting = $"{path}:ConnectionStringEnvironmentVariable";
            value = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrWhiteSpace(value))
            {
                failures.Add($"{setting}: the environment variable '{variable}' is not set or empty");
                return;
            }
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(value);
            if (string.IsNullOrWhiteSpace(builder.Host))
            {
                failures.Add($"{setting}: the connection string has no Host");
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            // The exception text may echo parts of the connection string (a password): report its type only.
            failures.Add($"{setting}: the connection string cannot be parsed ({ex.GetType().Name})");
        }
    }
}
