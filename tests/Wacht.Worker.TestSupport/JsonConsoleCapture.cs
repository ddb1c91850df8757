using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Wacht.Worker.TestSupport;

/// <summary>
/// A logger provider that formats every entry exactly as the console logger would with the given configuration's
/// <c>Logging:Console</c> section (formatter name and options), and keeps the lines instead of writing them to stdout,
/// which tests running in parallel share.
/// </summary>
public sealed class JsonConsoleCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ServiceProvider _services;
    private readonly ConsoleFormatter _formatter;
    private readonly ConcurrentQueue<string> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public JsonConsoleCapture(IConfiguration configuration)
    {
        _services = new ServiceCollection()
            .AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")).AddConsole())
            .BuildServiceProvider();
        FormatterName = _services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName ?? ConsoleFormatterNames.Simple;
        _formatter = _services.GetServices<ConsoleFormatter>().Single(f => f.Name == FormatterName);
    }

    /// <summary>The console formatter the configuration chose (<c>json</c>, <c>simple</c>, <c>systemd</c>).</summary>
    public string FormatterName { get; }

    /// <summary>Every formatted line, in order.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() => _services.Dispose();

    private sealed class Logger(JsonConsoleCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            using var writer = new StringWriter();
            owner._formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), owner._scopes, writer);
            foreach (var line in writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                owner._lines.Enqueue(line.TrimEnd('\r'));
            }
        }
    }
}
