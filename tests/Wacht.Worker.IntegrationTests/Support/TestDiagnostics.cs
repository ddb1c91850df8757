using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("Wacht.Worker.IntegrationTests.Support.DiagnosticTestFramework", "Wacht.Worker.IntegrationTests")]

namespace Wacht.Worker.IntegrationTests.Support;

/// <summary>
/// Messages about the test run itself (which servers the fixtures use), printed by `dotnet test` as
/// <c>[xUnit.net ...] Wacht.Worker.IntegrationTests: ...</c> lines (xunit.runner.json turns diagnostic messages on).
/// The fixtures are shared by every test, so xunit's per-test output cannot carry them.
/// </summary>
internal static class TestDiagnostics
{
    private static IMessageSink? _sink;

    public static void Report(string message)
    {
        if (_sink is { } sink)
        {
            sink.OnMessage(new DiagnosticMessage(message));
        }
        else
        {
            Console.Error.WriteLine(message);
        }
    }

    internal static void Attach(IMessageSink sink) => _sink = sink;
}

/// <summary>xunit's own framework, keeping its diagnostic message sink for <see cref="TestDiagnostics"/>.</summary>
public sealed class DiagnosticTestFramework : XunitTestFramework
{
    public DiagnosticTestFramework(IMessageSink messageSink)
        : base(messageSink)
    {
        TestDiagnostics.Attach(messageSink);
    }
}
