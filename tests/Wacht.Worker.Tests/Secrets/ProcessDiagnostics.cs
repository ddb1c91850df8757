using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;

namespace Wacht.Worker.Tests.Secrets;

/// <summary>
/// Records, while alive, every <see cref="DiagnosticListener"/> event of the process (name and payload; HttpClient's
/// included) and every <see cref="EventSource"/> event at verbose level (the Azure SDK logs through one), for the
/// secret-hygiene checks.
/// </summary>
internal sealed class ProcessDiagnostics : IDisposable, IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private readonly ConcurrentQueue<string> _events = new();
    private readonly IDisposable _listeners;
    private readonly SourceListener _sources;

    public ProcessDiagnostics()
    {
        _listeners = DiagnosticListener.AllListeners.Subscribe(this);
        _sources = new SourceListener(_events);
    }

    public IEnumerable<string> Events => _events;

    public void OnNext(DiagnosticListener value) => value.Subscribe(this);

    public void OnNext(KeyValuePair<string, object?> value) => _events.Enqueue($"{value.Key}: {value.Value}");

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        _listeners.Dispose();
        _sources.Dispose();
    }

    private sealed class SourceListener(ConcurrentQueue<string> sink) : EventListener
    {
        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name.StartsWith("Azure-", StringComparison.Ordinal) || eventSource.Name.StartsWith("System.Net.Http", StringComparison.Ordinal))
            {
                EnableEvents(eventSource, EventLevel.Verbose, EventKeywords.All);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData) =>
            sink.Enqueue($"{eventData.EventSource.Name}/{eventData.EventName}: {string.Join(", ", eventData.Payload ?? [])}");
    }
}
