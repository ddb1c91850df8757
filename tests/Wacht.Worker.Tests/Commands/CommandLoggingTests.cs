using Wacht.Worker.Commands;
using Wacht.Worker.Contracts;
using Wacht.Worker.Tests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Commands;

/// <summary>Values that came from a message cannot forge or garble log lines, and a command's scope reads as key=value.</summary>
public sealed class CommandLoggingTests
{
    private const string Forged = "alice\u001b[2J\u001b[31m\rINFO: rotation approved by security\nWARN \u009b2J \u202e";

    [Fact]
    public async Task ControlCharactersFromTheMessage_AreEscapedInEveryLogEntry()
    {
        await using var h = await HarnessWorld.StartAsync();
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var valid = new RotateSecret { CommandId = Guid.NewGuid(), DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id, RequestedBy = Forged, Reason = Forged };
        var invalid = valid with { CommandId = Guid.NewGuid(), AppSlug = "analytics\u001b[2J-api", OAuthClientId = "12\r\n34" };

        Assert.IsType<SecretRotated>(await h.ExecuteAsync(valid, valid.CommandId));
        Assert.IsType<SecretRotationFailed>(await h.ExecuteAsync(invalid, invalid.CommandId));

        var entries = h.Logs.Entries.Where(e => e.Contains(valid.CommandId.ToString(), StringComparison.Ordinal) || e.Contains(invalid.CommandId.ToString(), StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(entries);
        foreach (var entry in entries)
        {
            Assert.DoesNotContain('\u001b', entry);
            Assert.DoesNotContain('\u009b', entry);
            Assert.DoesNotContain('\r', entry);
            Assert.DoesNotContain('\u202e', entry);
        }

        Assert.Contains(entries, e => e.Contains(@"alice\u001b[2J", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Contains(@"analytics\u001b[2J-api", StringComparison.Ordinal));
    }

    [Fact]
    public void CommandScope_PrintsAsKeyValuePairs_ForTheSimpleConsoleFormatter()
    {
        var commandId = Guid.NewGuid();
        var scope = LogScope.ForCommand(commandId, "rotate-secret", "7283910238471", "bad\rslug", "42", null);

        Assert.Equal($@"CommandId={commandId} Kind=rotate-secret DeploymentId=7283910238471 AppSlug=bad\u000dslug OAuthClientId=42", scope.ToString());
        Assert.Contains(scope, p => p.Key == "CommandId" && (Guid)p.Value! == commandId);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\u001bb", @"a\u001bb")]
    [InlineData("line\nbreak", @"line\u000abreak")]
    [InlineData("rtl\u202eoverride", @"rtl\u202eoverride")]
    [InlineData("sep\u2028arator", @"sep\u2028arator")]
    public void LogValue_EscapesControlAndDisguisingCharacters(string value, string logged) => Assert.Equal(logged, LogValue.Safe(value));

    [Fact]
    public void LogValue_CutsLongValues_ToAMarkedExcerpt()
    {
        var logged = LogValue.Safe(new string('x', 1_000_000));

        Assert.StartsWith(new string('x', LogValue.MaxLength), logged, StringComparison.Ordinal);
        Assert.EndsWith("…[1000000 chars]", logged, StringComparison.Ordinal);
        Assert.True(logged!.Length < LogValue.MaxLength + 20);
    }
}
