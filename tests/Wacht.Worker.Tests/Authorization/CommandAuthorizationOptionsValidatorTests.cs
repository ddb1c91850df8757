using Microsoft.Extensions.Options;
using Wacht.Worker.Authorization;
using Wacht.Worker.Messaging;

namespace Wacht.Worker.Tests.Authorization;

public sealed class CommandAuthorizationOptionsValidatorTests
{
    private static ValidateOptionsResult Validate(CommandAuthorizationOptions options, TransportKind transport = TransportKind.RabbitMq) =>
        new CommandAuthorizationOptionsValidator(Options.Create(new MessagingOptions { Transport = transport })).Validate(null, options);

    [Fact]
    public void Off_WithoutGrants_IsValid() => Assert.True(Validate(new CommandAuthorizationOptions(), TransportKind.InMemory).Succeeded);

    [Fact]
    public void On_WithTheInMemoryTransport_IsRefused_NamingBothSettings()
    {
        var result = Validate(new CommandAuthorizationOptions { Enabled = true }, TransportKind.InMemory);

        Assert.Contains(result.Failures!, f => f.Contains("Worker:Authorization:Enabled", StringComparison.Ordinal) && f.Contains("Worker:Messaging:Transport=RabbitMq", StringComparison.Ordinal));
    }

    [Fact]
    public void Grant_WithMistakes_EachIsNamed()
    {
        var result = Validate(new CommandAuthorizationOptions
        {
            Enabled = true,
            Grants =
            [
                new CommandGrant { User = " ", Commands = ["RotateSecrets"], Targets = ["a//b"] },
                new CommandGrant { User = "u", Commands = [], Targets = [] },
            ],
        });

        var failures = result.Failures!.ToList();
        Assert.Contains(failures, f => f.StartsWith("Worker:Authorization:Grants:0:User", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Grants:0:Commands names 'RotateSecrets'", StringComparison.Ordinal) && f.Contains("RotateSecret,", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Grants:0:Targets pattern 'a//b' has an empty segment", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Worker:Authorization:Grants:1:Commands must list", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Worker:Authorization:Grants:1:Targets must list", StringComparison.Ordinal));
    }
}
