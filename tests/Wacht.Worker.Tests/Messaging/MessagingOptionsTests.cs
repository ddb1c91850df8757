using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wacht.Worker.Messaging;

namespace Wacht.Worker.Tests.Messaging;

public sealed class MessagingOptionsTests
{
    private static MessagingOptions Bind(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddWachtMessagingOptions();
        return services.BuildServiceProvider().GetRequiredService<IOptions<MessagingOptions>>().Value;
    }

    [Fact]
    public void Defaults_AreTheEmbeddedInMemoryTransportWithAFiveRetryBudget()
    {
        var options = Bind([]);

        Assert.Equal(TransportKind.InMemory, options.Transport);
        Assert.Equal(5, options.Retry.Limit);
        Assert.Equal(8, options.ConcurrentMessageLimit);
    }

    [Theory]
    [InlineData("Worker:Messaging:Retry:Limit", "-1", "Worker:Messaging:Retry:Limit")]
    [InlineData("Worker:Messaging:ConcurrentMessageLimit", "0", "Worker:Messaging:ConcurrentMessageLimit")]
    [InlineData("Worker:Messaging:RabbitMq:PrefetchCount", "0", "Worker:Messaging:RabbitMq:PrefetchCount")]
    [InlineData("Worker:Messaging:Retry:MaxInterval", "00:00:00.001", "Worker:Messaging:Retry:MaxInterval")]
    [InlineData("Worker:Messaging:RabbitMq:Host", "", "Worker:Messaging:RabbitMq:Host")]
    [InlineData("Worker:Messaging:RabbitMq:VirtualHost", " ", "Worker:Messaging:RabbitMq:VirtualHost")]
    [InlineData("Worker:Messaging:RabbitMq:PasswordEnvironmentVariable", "WACHT_TEST_SURELY_UNSET_VARIABLE", "WACHT_TEST_SURELY_UNSET_VARIABLE")]
    public void InvalidSettings_FailWithAMessageNamingTheSetting(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?> { ["Worker:Messaging:Transport"] = "RabbitMq", [key] = value };

        var exception = Assert.Throws<OptionsValidationException>(() => Bind(settings));

        Assert.Contains(named, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PasswordAndPasswordVariableTogether_AreRefused_WithoutEchoingThePassword()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Worker:Messaging:Transport"] = "RabbitMq",
            ["Worker:Messaging:RabbitMq:Password"] = "hunter2-very-secret",
            ["Worker:Messaging:RabbitMq:PasswordEnvironmentVariable"] = "PATH",
        };

        var exception = Assert.Throws<OptionsValidationException>(() => Bind(settings));

        Assert.DoesNotContain("hunter2-very-secret", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Password", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RabbitMqSettings_AreNotCheckedWhileTheTransportIsInMemory()
    {
        var options = Bind(new() { ["Worker:Messaging:RabbitMq:Host"] = "" });

        Assert.Equal(TransportKind.InMemory, options.Transport);
    }
}
