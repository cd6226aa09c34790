using HaloIlertGateway.Scripting;

namespace HaloIlertGateway.Ingest;

/// <summary>
/// The body formats a route takes, from its metadata <c>BodyFormats</c> (e.g. <c>"json, form, xml"</c>); a body of
/// another format is refused with 415 naming these. No metadata: every format. <c>"RequireJson": "true"</c> is the
/// older spelling of <c>"BodyFormats": "json"</c>.
/// </summary>
[Flags]
internal enum BodyFormats
{
    None = 0,
    Json = 1,
    Form = 2,
    Xml = 4,
    Text = 8,
    All = Json | Form | Xml | Text,
}

internal static class BodyFormatsExtensions
{
    /// <summary>Each format: its name in metadata, its name in a message, and the content type to send it with.</summary>
    private static readonly (BodyFormats Format, string Key, string Name, string ContentType)[] Table =
    [
        (BodyFormats.Json, "json", "JSON", "application/json"),
        (BodyFormats.Form, "form", "form", "application/x-www-form-urlencoded"),
        (BodyFormats.Xml, "xml", "XML", "application/xml"),
        (BodyFormats.Text, "text", "text", "text/plain"),
    ];

    /// <summary>Parses a list of format names; null when one is unknown.</summary>
    public static BodyFormats? Parse(string text)
    {
        var formats = BodyFormats.None;
        foreach (var name in text.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var index = Array.FindIndex(Table, row => row.Key.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                return null;
            }

            formats |= Table[index].Format;
        }

        return formats == BodyFormats.None ? null : formats;
    }

    public static bool Takes(this BodyFormats formats, TransformBodyKind kind) => kind switch
    {
        TransformBodyKind.None => true,
        TransformBodyKind.Json => formats.HasFlag(BodyFormats.Json),
        TransformBodyKind.Form => formats.HasFlag(BodyFormats.Form),
        TransformBodyKind.Xml => formats.HasFlag(BodyFormats.Xml),
        _ => formats.HasFlag(BodyFormats.Text),
    };

    /// <summary>"JSON, form or XML".</summary>
    public static string Describe(this BodyFormats formats) => Join(formats, row => row.Name);

    /// <summary>The content types to send, e.g. "application/json or application/x-www-form-urlencoded".</summary>
    public static string ContentTypes(this BodyFormats formats) => Join(formats, row => row.ContentType);

    private static string Join(BodyFormats formats, Func<(BodyFormats Format, string Key, string Name, string ContentType), string> column)
    {
        var items = Table.Where(row => formats.HasFlag(row.Format)).Select(column).ToList();
        return items.Count <= 1 ? string.Concat(items) : string.Join(", ", items[..^1]) + " or " + items[^1];
    }
}
