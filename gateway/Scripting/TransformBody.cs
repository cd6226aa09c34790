namespace HaloIlertGateway.Scripting;

/// <summary>A request body as a transform sees it: JSON (parsed for the script), text (a string), or none.</summary>
internal readonly record struct TransformBody(TransformBodyKind Kind, ReadOnlyMemory<byte> Utf8)
{
    public static TransformBody None => new(TransformBodyKind.None, ReadOnlyMemory<byte>.Empty);

    public static TransformBody Json(ReadOnlyMemory<byte> utf8) => new(TransformBodyKind.Json, utf8);

    public static TransformBody Text(ReadOnlyMemory<byte> utf8) => new(TransformBodyKind.Text, utf8);
}

internal enum TransformBodyKind
{
    None,
    Json,
    Text,
}
