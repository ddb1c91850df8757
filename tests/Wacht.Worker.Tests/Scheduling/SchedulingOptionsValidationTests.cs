using Microsoft.Extensions.Options;
using Wacht.Worker.Grants;
using Wacht.Worker.Jobs;
using Wacht.Worker.Ledger;
using Wacht.Worker.Rotation;

namespace Wacht.Worker.Tests.Scheduling;

public sealed class SchedulingOptionsValidationTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        Assert.True(Validate(new SchedulingOptions()).Succeeded);
        Assert.True(new RotationSweepCronValidator().Validate(null, new RotationSweepOptions()).Succeeded);
        Assert.True(new GrantAuditCronValidator().Validate(null, new GrantAuditOptions()).Succeeded);
    }

    [Fact]
    public void PostgreSql_WithoutConnectionString_AndASqliteLedger_NamesTheSetting()
    {
        var result = Validate(new SchedulingOptions { Store = SchedulingStore.PostgreSql });

        Assert.True(result.Failed);
        Assert.Contains("Worker:Scheduling:ConnectionString", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSql_WithoutConnectionString_ReusesThePostgresLedgers()
    {
        var ledger = new LedgerOptions { Provider = LedgerProvider.PostgreSql, ConnectionString = "Host=db;Database=ledger" };
        var options = new SchedulingOptions { Store = SchedulingStore.PostgreSql };

        Assert.True(Validate(options, ledger).Succeeded);
        Assert.Equal("Host=db;Database=ledger", SchedulingOptionsValidator.ResolveConnectionString(options, ledger));
        Assert.True(options.IsClustered);
    }

    [Fact]
    public void PostgreSql_OwnConnectionString_WinsOverTheLedgers()
    {
        var ledger = new LedgerOptions { Provider = LedgerProvider.PostgreSql, ConnectionString = "Host=db;Database=ledger" };
        var options = new SchedulingOptions { Store = SchedulingStore.PostgreSql, ConnectionString = "Host=db;Database=quartz" };

        Assert.Equal("Host=db;Database=quartz", SchedulingOptionsValidator.ResolveConnectionString(options, ledger));
    }

    [Fact]
    public void PostgreSql_WithAnUnsetEnvironmentVariable_NamesTheSettingAndTheVariable()
    {
        var result = Validate(new SchedulingOptions
        {
            Store = SchedulingStore.PostgreSql,
            ConnectionStringEnvironmentVariable = "WACHT_TEST_NO_SUCH_VARIABLE_" + Guid.NewGuid().ToString("N"),
        });

        Assert.True(result.Failed);
        Assert.Contains("Worker:Scheduling:ConnectionStringEnvironmentVariable", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("WACHT_TEST_NO_SUCH_VARIABLE_", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("qrtz-")]
    [InlineData("1qrtz_")]
    public void PostgreSql_WithABadTablePrefix_NamesTheSetting(string prefix)
    {
        var result = Validate(new SchedulingOptions { Store = SchedulingStore.PostgreSql, ConnectionString = "Host=db", TablePrefix = prefix });

        Assert.True(result.Failed);
        Assert.Contains("Worker:Scheduling:TablePrefix", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Ram_Clustered_NamesTheSetting()
    {
        var result = Validate(new SchedulingOptions { Clustered = true });

        Assert.True(result.Failed);
        Assert.Contains("Worker:Scheduling:Clustered", result.FailureMessage, StringComparison.Ordinal);
        Assert.False(new SchedulingOptions().IsClustered);
    }

    [Fact]
    public void NonPositiveMisfireThreshold_NamesTheSetting()
    {
        var result = Validate(new SchedulingOptions { MisfireThreshold = TimeSpan.Zero });

        Assert.Contains("Worker:Scheduling:MisfireThreshold", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Disabled_IsNotChecked()
    {
        Assert.True(Validate(new SchedulingOptions { Enabled = false, Store = SchedulingStore.PostgreSql }).Succeeded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0 0 3 * *")]
    [InlineData("every day")]
    [InlineData("0 0 25 * * ?")]
    public void InvalidCron_NamesTheSetting(string cron)
    {
        var sweep = new RotationSweepCronValidator().Validate(null, new RotationSweepOptions { Cron = cron });
        var audit = new GrantAuditCronValidator().Validate(null, new GrantAuditOptions { Cron = cron });

        Assert.Contains("Worker:RotationSweep:Cron", sweep.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Worker:GrantAudit:Cron", audit.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidCron_OfADisabledJob_IsNotChecked()
    {
        Assert.True(new GrantAuditCronValidator().Validate(null, new GrantAuditOptions { Enabled = false, Cron = "nope" }).Succeeded);
    }

    private static ValidateOptionsResult Validate(SchedulingOptions options, LedgerOptions? ledger = null) =>
        new SchedulingOptionsValidator(Options.Create(ledger ?? new LedgerOptions())).Validate(null, options);
}
