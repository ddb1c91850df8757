using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wacht.Worker.Contracts;
using Wacht.Worker.Tests.Support;
using Wacht.Worker.TestSupport;

namespace Wacht.Worker.Tests.Hosting;

/// <summary>
/// Production logs: the shipped appsettings.json plus appsettings.Production.json choose the console's JSON formatter
/// with scopes, so the command's fields appear on every line logged while a command runs.
/// </summary>
public sealed class JsonConsoleLogTests
{
    /// <summary>The fields of the command pipeline's log scope that every line of a command carries.</summary>
    private static readonly string[] CommandScopeFields = ["CommandId", "Kind", "DeploymentId", "AppSlug", "OAuthClientId"];

    [Fact]
    public void ProductionConfiguration_WritesOneJsonObjectPerLine_WithScopeValuesAsFields()
    {
        using var capture = new JsonConsoleCapture(ProductionConfiguration());
        var logger = capture.CreateLogger("Wacht.Worker.Commands.CommandRunner");
        var commandId = Guid.NewGuid();

        using (logger.BeginScope(new Dictionary<string, object?>
        {
            ["CommandId"] = commandId,
            ["Kind"] = "rotate-secret",
            ["DeploymentId"] = "7283910238471",
            ["AppSlug"] = "analytics-api",
            ["OAuthClientId"] = "9001",
        }))
        {
            logger.LogInformation("Executing {Kind} command", "rotate-secret");
        }

        Assert.Equal("json", capture.FormatterName);
        var line = Assert.Single(capture.Lines);
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal("Information", root.GetProperty("LogLevel").GetString());
        Assert.Equal("Executing rotate-secret command", root.GetProperty("Message").GetString());
        Assert.EndsWith("Z", root.GetProperty("Timestamp").GetString(), StringComparison.Ordinal);
        Assert.Equal(commandId.ToString(), Field(root, "CommandId"));
        Assert.Equal("rotate-secret", Field(root, "Kind"));
        Assert.Equal("7283910238471", Field(root, "DeploymentId"));
        Assert.Equal("analytics-api", Field(root, "AppSlug"));
        Assert.Equal("9001", Field(root, "OAuthClientId"));
    }

    [Fact]
    public void DefaultConfiguration_KeepsTheReadableFormatter()
    {
        var configuration = new ConfigurationBuilder().SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json").Build();

        using var capture = new JsonConsoleCapture(configuration);

        Assert.Equal("simple", capture.FormatterName);
    }

    [Fact]
    public async Task LinesLoggedWhileACommandRuns_CarryItsFields_IncludingTheWachtClientsLines()
    {
        using var capture = new JsonConsoleCapture(ProductionConfiguration());
        await using var h = await HarnessWorld.StartAsync(services: s => s.AddSingleton<ILoggerProvider>(capture));
        var client = await h.World.ClientAsync(WachtWorld.ServiceClient);
        var commandId = Guid.NewGuid();

        var outcome = await h.ExecuteAsync(
            new RotateSecret { CommandId = commandId, DeploymentId = WachtWorld.Deployment, AppSlug = WachtWorld.AppSlug, OAuthClientId = client.Id },
            commandId);

        Assert.IsType<SecretRotated>(outcome);
        var lines = capture.Lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var commandLines = lines.Where(l => l.GetProperty("EventId").GetInt32() is 3000 or 3001
            || l.GetProperty("Category").GetString()!.StartsWith("Wacht.Client", StringComparison.Ordinal)).ToList();
        Assert.Contains(commandLines, l => l.GetProperty("EventId").GetInt32() == 3000);
        Assert.Contains(commandLines, l => l.GetProperty("Category").GetString()!.StartsWith("Wacht.Client", StringComparison.Ordinal));
        Assert.All(commandLines, l =>
        {
            var fields = CommandScopeFields.Select(f => Field(l, f) ?? "(missing)").ToArray();
            Assert.Equal([commandId.ToString(), "rotate-secret", WachtWorld.Deployment, WachtWorld.AppSlug, client.Id], fields);
        });
        Assert.DoesNotContain(h.World.ApiKey, string.Join('\n', capture.Lines), StringComparison.Ordinal);
        Assert.DoesNotContain(h.World.SecretAtDestination(client.ClientId)!, string.Join('\n', capture.Lines), StringComparison.Ordinal);
    }

    /// <summary>The configuration the worker reads in Production: the shipped appsettings.json, then appsettings.Production.json.</summary>
    private static IConfiguration ProductionConfiguration() =>
        new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json")
            .AddJsonFile("appsettings.Production.json")
            .Build();

    /// <summary>A field of the line's scopes (the JSON formatter writes each key/value scope as an object of fields).</summary>
    private static string? Field(JsonElement line, string name) =>
        line.TryGetProperty("Scopes", out var scopes)
            ? scopes.EnumerateArray()
                .Where(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty(name, out _))
                .Select(s => s.GetProperty(name).ToString())
                .LastOrDefault()
            : null;
}
