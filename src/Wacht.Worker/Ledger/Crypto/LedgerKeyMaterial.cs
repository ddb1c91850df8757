namespace Wacht.Worker.Ledger;

/// <summary>
/// Resolves the ledger's encryption key from <see cref="LedgerOptions"/>. Messages name the setting to fix and never
/// contain the key.
/// </summary>
internal static class LedgerKeyMaterial
{
    internal const int KeySize = 32;
    internal const string KeySettings = LedgerOptions.SectionPath + ":EncryptionKey (or EncryptionKeyEnvironmentVariable / EncryptionKeyFile)";
    internal const string GenerateHint = "generate one with `openssl rand -base64 32`";

    /// <summary>Whether any key source is configured.</summary>
    internal static bool IsConfigured(LedgerOptions options) => CountSources(options) > 0;

    internal static int CountSources(LedgerOptions options) =>
        (string.IsNullOrWhiteSpace(options.EncryptionKey) ? 0 : 1)
        + (string.IsNullOrWhiteSpace(options.EncryptionKeyEnvironmentVariable) ? 0 : 1)
        + (string.IsNullOrWhiteSpace(options.EncryptionKeyFile) ? 0 : 1);

    /// <summary>Reads and decodes the configured key; <paramref name="error"/> names the setting when it fails.</summary>
    internal static bool TryResolve(LedgerOptions options, out byte[]? key, out string? error)
    {
        key = null;
        error = null;
        var sources = CountSources(options);
        if (sources == 0)
        {
            error = $"{KeySettings} is not set; {GenerateHint}";
            return false;
        }

        if (sources > 1)
        {
            error = $"{LedgerOptions.SectionPath}:EncryptionKey: set at most one of EncryptionKey, EncryptionKeyEnvironmentVariable or EncryptionKeyFile ({sources} are set)";
            return false;
        }

        string setting;
        string text;
        if (!string.IsNullOrWhiteSpace(options.EncryptionKey))
        {
            setting = $"{LedgerOptions.SectionPath}:EncryptionKey";
            text = options.EncryptionKey;
        }
        else if (!string.IsNullOrWhiteSpace(options.EncryptionKeyEnvironmentVariable))
        {
            var variable = options.EncryptionKeyEnvironmentVariable.Trim();
            setting = $"{LedgerOptions.SectionPath}:EncryptionKeyEnvironmentVariable";
            var value = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrWhiteSpace(value))
            {
                error = $"{setting}: the environment variable '{variable}' is not set or empty; {GenerateHint}";
                return false;
            }

            text = value;
        }
        else
        {
            var file = options.EncryptionKeyFile!.Trim();
            setting = $"{LedgerOptions.SectionPath}:EncryptionKeyFile";
            if (!File.Exists(file))
            {
                error = $"{setting}: the key file '{file}' does not exist; {GenerateHint}";
                return false;
            }

            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error = $"{setting}: the key file '{file}' cannot be read ({ex.GetType().Name})";
                return false;
            }
        }

        var buffer = new byte[KeySize + 3];
        if (!Convert.TryFromBase64String(text.Trim(), buffer, out var written) || written != KeySize)
        {
            error = $"{setting}: the key must be the base64 encoding of exactly {KeySize} bytes (AES-256); {GenerateHint}";
            return false;
        }

        key = buffer[..KeySize];
        Array.Clear(buffer);
        return true;
    }
}
