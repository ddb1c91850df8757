using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Wacht.Worker.Hosting;
using Wacht.Worker.Messaging;

namespace Wacht.Worker.Tests.Hosting;

/// <summary>The shutdown budget: derived from the retry budget and the Wacht request timeout, applied to the host and MassTransit.</summary>
public sealed class ShutdownBudgetTests
{
    [Theory]
    [InlineData(5, 1.0, 30.0, 2.0, 30.0, 118, 133, 148)] // the defaults: 87.5 s of backoff + one 30 s attempt
    [InlineData(0, 1.0, 30.0, 2.0, 30.0, 30, 45, 60)] // no retries: the attempt in flight only
    [InlineData(10, 1.0, 30.0, 2.0, 30.0, 305, 320, 335)] // five more intervals at the 30 s cap (+25 % jitter each)
    [InlineData(3, 0.02, 0.2, 0.02, 2.0, 3, 18, 33)] // the tests' short budget
    public void Budget_FromTheRetryPolicyAndTheRequestTimeout(
        int limit, double min, double max, double delta, double attempt, int consumerStop, int stop, int shutdown)
    {
        var retry = new RetryOptions
        {
            Limit = limit,
            MinInterval = TimeSpan.FromSeconds(min),
            MaxInterval = TimeSpan.FromSeconds(max),
            IntervalDelta = TimeSpan.FromSeconds(delta),
        };

        var budget = ShutdownBudget.From(retry, TimeSpan.FromSeconds(attempt));

        Assert.Equal(
            (TimeSpan.FromSeconds(consumerStop), TimeSpan.FromSeconds(stop), TimeSpan.FromSeconds(shutdown)),
            (budget.ConsumerStopTimeout, budget.StopTimeout, budget.ShutdownTimeout));
    }

    [Fact]
    public void Registration_SetsTheHostAndMassTransitTimeouts_FromTheLongestRequestTimeout()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Wacht:Deployments:7283910238471:BaseUrl"] = "https://api.wacht.dev",
            ["Wacht:Deployments:7283910238471:RequestTimeout"] = "00:00:10",
            ["Wacht:Deployments:7283910238472:BaseUrl"] = "https://api.wacht.dev",
            ["Wacht:Deployments:7283910238472:RequestTimeout"] = "00:00:40",
            ["Worker:Messaging:Retry:Limit"] = "0",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddWachtWorker(configuration);
        services.AddWachtShutdownBudget();
        using var provider = services.BuildServiceProvider();

        var host = provider.GetRequiredService<IOptions<HostOptions>>().Value;
        var bus = provider.GetRequiredService<IOptions<MassTransitHostOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(40), bus.ConsumerStopTimeout);
        Assert.Equal(TimeSpan.FromSeconds(55), bus.StopTimeout);
        Assert.Equal(TimeSpan.FromSeconds(70), host.ShutdownTimeout);
    }
}
