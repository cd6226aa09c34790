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
    /// <summary>Parses a list of format names; null when one is unknown.</summary>
    public static BodyFormats? Parse(string text)
    {
        var formats = BodyFormats.None;
        foreach (var name in text.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            BodyFormats? format = name.ToLowerInvariant() switch
            {
                "json" => BodyFormats.Json,
                "form" => BodyFormats.Form,
                "xml" => BodyFormats.Xml,
                "text" => BodyFormats.Text,
                _ => null,
            };
            if (format is null)
            {
                return null;
            }

            formats |= format.Value;
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
    public static string Describe(this BodyFormats formats) => Join(Names(formats).ToList());

    /// <summary>The content types to send, e.g. "application/json or application/x-www-form-urlencoded".</summary>
    public static string ContentTypes(this BodyFormats formats) => Join(ContentTypeNames(formats).ToList());

    private static IEnumerable<string> Names(BodyFormats formats)
    {
        if (formats.HasFlag(BodyFormats.Json)) { yield return "JSON"; }
        if (formats.HasFlag(BodyFormats.Form)) { yield return "form"; }
        if (formats.HasFlag(BodyFormats.Xml)) { yield return "XML"; }
        if (formats.HasFlag(BodyFormats.Text)) { yield return "text"; }
    }

    private static IEnumerable<string> ContentTypeNames(BodyFormats formats)
    {
        if (formats.HasFlag(BodyFormats.Json)) { yield return "application/json"; }
        if (formats.HasFlag(BodyFormats.Form)) { yield return "application/x-www-form-urlencoded"; }
        if (formats.HasFlag(BodyFormats.Xml)) { yield return "application/xml"; }
        if (formats.HasFlag(BodyFormats.Text)) { yield return "text/plain"; }
    }

    private static string Join(List<string> items) =>
        items.Count <= 1 ? string.Concat(items) : string.Join(", ", items[..^1]) + " or " + items[^1];
}
