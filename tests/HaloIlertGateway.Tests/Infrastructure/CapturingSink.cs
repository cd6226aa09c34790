using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>Keeps every log event the gateway writes, rendered in full: message, every property as JSON, exception.</summary>
public sealed class CapturingSink : ILogEventSink
{
    private readonly ConcurrentQueue<(LogEvent Event, string Text)> _events = new();

    public IEnumerable<LogEvent> Events => _events.Select(e => e.Event);

    /// <summary>All events as one text, for "this string appears nowhere" assertions.</summary>
    public string AllText => string.Join('\n', _events.Select(e => e.Text));

    public void Emit(LogEvent logEvent)
    {
        using var writer = new StringWriter();
        new JsonFormatter(renderMessage: true).Format(logEvent, writer);
        writer.Write(logEvent.Exception?.ToString());
        _events.Enqueue((logEvent, writer.ToString()));
    }
}
