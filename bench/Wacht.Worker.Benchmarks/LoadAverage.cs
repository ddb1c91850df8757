namespace Wacht.Worker.Benchmarks;

/// <summary>The machine's load average (1, 5, 15 minutes) as /proc/loadavg has it; figures taken under load are noisy.</summary>
internal static class LoadAverage
{
    public static string Read()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]} {parts[1]} {parts[2]} ({Environment.ProcessorCount} cores)";
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
