using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace HaloIlertGateway.Logging;

/// <summary>
/// Wraps every sink: each event is rewritten through <see cref="SecretRedactor"/> (message template, every
/// property at any depth, the exception) before any sink sees it, whatever category or level wrote it. Besides
/// integration keys in paths, every secret value the gateway has read (<paramref name="secrets"/>) is masked.
/// </summary>
internal sealed class RedactingSink(ILogEventSink inner, Func<IReadOnlyCollection<string>> secrets) : ILogEventSink, IDisposable
{
    private static readonly MessageTemplateParser Parser = new();

    public void Emit(LogEvent logEvent) => inner.Emit(Redact(logEvent, secrets()));

    public void Dispose() => (inner as IDisposable)?.Dispose();

    internal static LogEvent Redact(LogEvent logEvent, IReadOnlyCollection<string> secrets)
    {
        var template = logEvent.MessageTemplate;
        var templateText = SecretRedactor.Redact(template.Text, secrets);
        var changed = !ReferenceEquals(templateText, template.Text);
        var properties = new List<LogEventProperty>(logEvent.Properties.Count);
        foreach (var (name, value) in logEvent.Properties)
        {
            var redacted = Redact(value, secrets);
            changed |= !ReferenceEquals(redacted, value);
            properties.Add(new LogEventProperty(name, redacted));
        }

        var exception = logEvent.Exception is { } ex && SecretRedactor.Redact(ex.ToString(), secrets) != ex.ToString()
            ? new RedactedException(ex, secrets)
            : logEvent.Exception;
        changed |= !ReferenceEquals(exception, logEvent.Exception);

        return changed
            ? new LogEvent(logEvent.Timestamp, logEvent.Level, exception, ReferenceEquals(templateText, template.Text) ? template : Parser.Parse(templateText), properties, logEvent.TraceId ?? default, logEvent.SpanId ?? default)
            : logEvent;
    }

    private static bool IsPlainValue(object raw) =>
        raw.GetType().IsPrimitive || raw is decimal or DateTime or DateTimeOffset or TimeSpan or Guid or Enum;

    private static LogEventPropertyValue Redact(LogEventPropertyValue value, IReadOnlyCollection<string> secrets)
    {
        switch (value)
        {
            case ScalarValue { Value: { } raw } when !IsPlainValue(raw):
                // Strings, and objects that render through ToString (Uri, PathString, ...): redact the text.
                var text = raw as string ?? raw.ToString() ?? string.Empty;
                var redacted = SecretRedactor.Redact(text, secrets);
                return ReferenceEquals(redacted, text) ? value : new ScalarValue(redacted);
            case SequenceValue sequence:
                var elements = sequence.Elements.Select(e => Redact(e, secrets)).ToList();
                return elements.SequenceEqual(sequence.Elements) ? value : new SequenceValue(elements);
            case StructureValue structure:
                var props = structure.Properties.Select(p => new LogEventProperty(p.Name, Redact(p.Value, secrets))).ToList();
                return props.Zip(structure.Properties).All(pair => ReferenceEquals(pair.First.Value, pair.Second.Value)) ? value : new StructureValue(props, structure.TypeTag);
            case DictionaryValue dictionary:
                var entries = dictionary.Elements.Select(e => new KeyValuePair<ScalarValue, LogEventPropertyValue>(e.Key, Redact(e.Value, secrets))).ToList();
                return entries.Zip(dictionary.Elements).All(pair => ReferenceEquals(pair.First.Value, pair.Second.Value)) ? value : new DictionaryValue(entries);
            default:
                return value;
        }
    }
}
