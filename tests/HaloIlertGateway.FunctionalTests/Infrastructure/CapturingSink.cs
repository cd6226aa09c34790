using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>Keeps every log event the gateway writes, rendered in full: message, every property as JSON, exception.</summary>
public sealed class CapturingSink : ILogEventSink
{
    // Every part of an event: the message with strings unquoted, all properties as JSON, the exception.
    private static readonly MessageTemplateTextFormatter Formatter = new("{Level:u3} {SourceContext} {EventId} {Message:lj} {Properties:j} {Exception}");

    private readonly ConcurrentQueue<(LogEvent Event, string Text)> _events = new();

    public IEnumerable<LogEvent> Events => _events.Select(e => e.Event);

    /// <summary>All events as one text, for "this string appears nowhere" assertions.</summary>
    public string AllText => string.Join('\n', _events.Select(e => e.Text));

    public void Emit(LogEvent logEvent)
    {
        using var writer = new StringWriter();
        Formatter.Format(logEvent, writer);
        _events.Enqueue((logEvent, writer.ToString()));
    }
}
