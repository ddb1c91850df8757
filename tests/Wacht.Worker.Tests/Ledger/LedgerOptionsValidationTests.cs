using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wacht.Worker.Ledger;
using Wacht.Worker.Ledger.Sql;

namespace Wacht.Worker.Tests.Ledger;

public sealed class LedgerOptionsValidationTests : IDisposable
{
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly List<string> _files = [];

    public void Dispose()
    {
        foreach (var file in _files)
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Defaults_WithAKey_AreValid()
    {
        var options = Resolve(new() { ["Worker:Ledger:EncryptionKey"] = _key });

        Assert.Equal(LedgerProvider.Sqlite, options.Provider);
        Assert.Equal("data/wacht-worker.db", options.SqlitePath);
        Assert.Equal(TimeSpan.FromSeconds(30), options.CommandTimeout);
    }

    [Fact]
    public void MissingKey_WhenRotationIsEnabledByDefault_FailsNamingTheSetting()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve([]));

        var message = Assert.Single(ex.Failures);
        Assert.StartsWith("Worker:Ledger:EncryptionKey (or EncryptionKeyEnvironmentVariable / EncryptionKeyFile) must be set because Worker:Rotation:Enabled is true", message, StringComparison.Ordinal);
        Assert.Contains("openssl rand -base64 32", message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingKey_WhenRotationIsExplicitlyEnabled_Fails()
    {
        Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Worker:Rotation:Enabled"] = "true" }));
    }

    [Fact]
    public void MissingKey_WhenRotationIsDisabled_IsFine()
    {
        var options = Resolve(new() { ["Worker:Rotation:Enabled"] = "false" });

        Assert.Null(options.EncryptionKey);
    }

    [Theory]
    [InlineData("c2hvcnQ=")]
    [InlineData("not base64 at all!")]
    public void KeyOfTheWrongShape_FailsWithoutEchoingIt(string key)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Worker:Ledger:EncryptionKey"] = key }));

        var message = Assert.Single(ex.Failures);
        Assert.StartsWith("Worker:Ledger:EncryptionKey:", message, StringComparison.Ordinal);
        Assert.Contains("32 bytes", message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyOfTheWrongShape_WhenRotationIsDisabled_StillFails()
    {
        Assert.Throws<OptionsValidationException>(() => Resolve(new()
        {
            ["Worker:Rotation:Enabled"] = "false",
            ["Worker:Ledger:EncryptionKey"] = "c2hvcnQ=",
        }));
    }

    [Fact]
    public void TwoKeySources_FailNamingBoth()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new()
        {
            ["Worker:Ledger:EncryptionKey"] = _key,
            ["Worker:Ledger:EncryptionKeyFile"] = "/tmp/key",
        }));

        Assert.Contains("set at most one of EncryptionKey, EncryptionKeyEnvironmentVariable or EncryptionKeyFile", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_key, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyEnvironmentVariable_ThatIsNotSet_FailsNamingTheVariable()
    {
        var variable = "WACHT_TEST_LEDGER_KEY_" + Guid.NewGuid().ToString("N");

        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Worker:Ledger:EncryptionKeyEnvironmentVariable"] = variable }));

        Assert.StartsWith($"Worker:Ledger:EncryptionKeyEnvironmentVariable: the environment variable '{variable}' is not set", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void KeyEnvironmentVariable_ThatHoldsAKey_IsValid()
    {
        var variable = "WACHT_TEST_LEDGER_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, _key);
        try
        {
            var options = Resolve(new() { ["Worker:Ledger:EncryptionKeyEnvironmentVariable"] = variable });

            Assert.True(SecretProtector.FromOptions(options).IsAvailable);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void KeyFile_ThatIsMissing_FailsNamingTheFile()
    {
        var file = Path.Combine(Path.GetTempPath(), "wacht-missing-" + Guid.NewGuid().ToString("N"));

        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Worker:Ledger:EncryptionKeyFile"] = file }));

        Assert.StartsWith($"Worker:Ledger:EncryptionKeyFile: the key file '{file}' does not exist", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void KeyFile_WithAKeyAndNewline_IsValid()
    {
        var file = Path.GetTempFileName();
        _files.Add(file);
        File.WriteAllText(file, _key + "\n");

        var options = Resolve(new() { ["Worker:Ledger:EncryptionKeyFile"] = file });

        Assert.True(SecretProtector.FromOptions(options).IsAvailable);
    }

    [Theory]
    [InlineData("0644", false)]
    [InlineData("0604", false)]
    [InlineData("0620", false)]
    [InlineData("0600", true)]
    [InlineData("0400", true)]
    [InlineData("0640", true)]
    public void KeyFile_ThatOtherUsersCanReadOrChange_IsRefused(string mode, bool accepted)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes
        }

        var file = Path.GetTempFileName();
        _files.Add(file);
        File.WriteAllText(file, _key);
        File.SetUnixFileMode(file, (UnixFileMode)Convert.ToInt32(mode, 8));
        Dictionary<string, string?> settings = new() { ["Worker:Ledger:EncryptionKeyFile"] = file };

        if (accepted)
        {
            Assert.Equal(file, Resolve(settings).EncryptionKeyFile);
            return;
        }

        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(settings));
        var message = Assert.Single(ex.Failures);
        Assert.StartsWith($"Worker:Ledger:EncryptionKeyFile: the key file '{file}' can be read or changed by other users (mode {mode})", message, StringComparison.Ordinal);
        Assert.DoesNotContain(_key, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyFile_WithGarbage_FailsWithoutEchoingIt()
    {
        var file = Path.GetTempFileName();
        _files.Add(file);
        File.WriteAllText(file, "hunter2-is-not-a-key");

        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Worker:Ledger:EncryptionKeyFile"] = file }));

        Assert.StartsWith("Worker:Ledger:EncryptionKeyFile:", Assert.Single(ex.Failures), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSql_WithoutConnectionString_FailsNamingTheSetting()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new()
        {
            ["Worker:Ledger:Provider"] = "PostgreSql",
            ["Worker:Ledger:EncryptionKey"] = _key,
        }));

        Assert.StartsWith("Worker:Ledger:ConnectionString: set exactly one of ConnectionString or ConnectionStringEnvironmentVariable", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSql_WithMissingConnectionStringVariable_FailsNamingIt()
    {
        var variable = "WACHT_TEST_PG_" + Guid.NewGuid().ToString("N");

        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new()
        {
            ["Worker:Ledger:Provider"] = "PostgreSql",
            ["Worker:Ledger:ConnectionStringEnvironmentVariable"] = variable,
            ["Worker:Ledger:EncryptionKey"] = _key,
        }));

        Assert.Contains(variable, Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSql_WithConnectionString_IsValid()
    {
        var options = Resolve(new()
        {
            ["Worker:Ledger:Provider"] = "postgresql",
            ["Worker:Ledger:ConnectionString"] = "Host=db;Username=worker;Password=pw;Database=wacht",
            ["Worker:Ledger:EncryptionKey"] = _key,
        });

        Assert.Equal(LedgerProvider.PostgreSql, options.Provider);
    }

    [Fact]
    public void CommandTimeout_OutOfRange_FailsNamingTheSetting()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new()
        {
            ["Worker:Ledger:CommandTimeout"] = "00:00:00",
            ["Worker:Ledger:EncryptionKey"] = _key,
        }));

        Assert.StartsWith("Worker:Ledger:CommandTimeout:", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void AddWachtLedger_Twice_RegistersOneLedgerOfTheConfiguredProvider()
    {
        using var provider = Build(new() { ["Worker:Ledger:EncryptionKey"] = _key, ["Worker:Ledger:SqlitePath"] = "ignored.db" }, twice: true);

        Assert.Equal(LedgerProvider.Sqlite, Assert.IsType<SqlLedger>(provider.GetRequiredService<ICommandLedger>()).Provider);
        Assert.IsType<InProcessClientLock>(provider.GetRequiredService<IClientLock>());
        Assert.Single(provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>());
        Assert.Single(provider.GetServices<IValidateOptions<LedgerOptions>>());
    }

    [Fact]
    public void AddWachtLedger_ForPostgreSql_RegistersThePostgresLedgerAndLock()
    {
        using var provider = Build(new()
        {
            ["Worker:Ledger:Provider"] = "PostgreSql",
            ["Worker:Ledger:ConnectionString"] = "Host=127.0.0.1;Username=worker;Database=wacht",
            ["Worker:Ledger:EncryptionKey"] = _key,
        });

        Assert.Equal(LedgerProvider.PostgreSql, Assert.IsType<SqlLedger>(provider.GetRequiredService<ICommandLedger>()).Provider);
        Assert.IsType<PostgresClientLock>(provider.GetRequiredService<IClientLock>());
    }

    private static LedgerOptions Resolve(Dictionary<string, string?> settings)
    {
        using var provider = Build(settings);
        return provider.GetRequiredService<IOptions<LedgerOptions>>().Value;
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, bool twice = false)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddWachtLedger();
        if (twice)
        {
            services.AddWachtLedger();
        }

        return services.BuildServiceProvider();
    }
}
