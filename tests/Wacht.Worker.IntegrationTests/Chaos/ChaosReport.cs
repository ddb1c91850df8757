using Wacht.Worker.TestSupport;

namespace Wacht.Worker.IntegrationTests.Chaos;

/// <summary>Appends each scenario's figures line to <c>artifacts/chaos/figures.txt</c>, which <c>./build.sh chaos</c> prints.</summary>
internal static class ChaosReport
{
    private static readonly Lock Gate = new();

    public static void Append(ChaosFigures figures)
    {
        var path = Repository.File("artifacts/chaos/figures.txt");
        lock (Gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.AppendAllText(path, figures + Environment.NewLine);
        }
    }
}
