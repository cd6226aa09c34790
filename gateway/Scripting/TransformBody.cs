namespace HaloIlertGateway.Scripting;

/// <summary>
/// A request body as a transform sees it: JSON (parsed for the script), a form (<c>application/x-www-form-urlencoded</c>,
/// an object of its fields), XML (the object <see cref="XmlBody"/> makes of it), text (a string), or none.
/// </summary>
internal readonly record struct TransformBody(TransformBodyKind Kind, ReadOnlyMemory<byte> Utf8)
{
    public static TransformBody None => new(TransformBodyKind.None, ReadOnlyMemory<byte>.Empty);

    /// <summary>A JSON body's parse, when the gateway's edge already parsed it to check it (the first run reads this one).</summary>
    public ParsedJson? Parsed { get; init; }

    /// <summary>An XML body as the JSON a script reads, when the gateway's edge already made it to check the document.</summary>
    public byte[]? Converted { get; init; }

    public static TransformBody Json(ReadOnlyMemory<byte> utf8) => new(TransformBodyKind.Json, utf8);

    public static TransformBody Text(ReadOnlyMemory<byte> utf8) => new(TransformBodyKind.Text, utf8);

    /// <summary>The kind a body of <paramref name="contentType"/> is given to a script as.</summary>
    public static TransformBodyKind KindOf(string? contentType, int length) =>
        length == 0 ? TransformBodyKind.None
        : IsJson(contentType) ? TransformBodyKind.Json
        : IsForm(contentType) ? TransformBodyKind.Form
        : XmlBody.IsXml(contentType) ? TransformBodyKind.Xml
        : TransformBodyKind.Text;

    /// <summary><c>application/x-www-form-urlencoded</c>.</summary>
    public static bool IsForm(string? contentType) =>
        contentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary><c>application/json</c> or any <c>+json</c> media type.</summary>
    public static bool IsJson(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));
}

internal enum TransformBodyKind
{
    None,
    Json,
    Form,
    Xml,
    Text,
}
