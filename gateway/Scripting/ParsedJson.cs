using System.Text.Json;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// A JSON text parsed for one run, whose parse goes back to the pool when the run ends.
/// <para>
/// System.Text.Json keeps a parse in an array rented from the shared pool, about as large as the text. A document that
/// is never disposed leaves that array to the garbage collector: a kilobyte for a HaloPSA ticket, every request.
/// </para>
/// <para>
/// A script may keep a value past its run (in a top-level variable), so nothing made from the parse may depend on it
/// once it is given back. An object first read after <see cref="Release"/> parses its own part of the text again, once
/// (<see cref="LazyJsonObject"/>). The text itself is never reused: it is memory nothing else writes (the request
/// body's own array).
/// </para>
/// <para>
/// The edge parses a body to check it and hands the parse on with the request. One run takes it
/// (<see cref="TryTake"/>) and releases it; a second run of the same request (a retry) parses the text itself.
/// </para>
/// </summary>
internal sealed class ParsedJson
{
    private const int Available = 0;
    private const int Taken = 1;

    private JsonDocument? _document;
    private int _state;

    private ParsedJson(ReadOnlyMemory<byte> utf8, int maxDepth, JsonDocument document)
    {
        Utf8 = utf8;
        MaxDepth = maxDepth;
        _document = document;
    }

    /// <summary>The text, which values made from the parse read again after <see cref="Release"/>.</summary>
    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>The depth the text was parsed to, the same when a part of it is parsed again.</summary>
    public int MaxDepth { get; }

    /// <summary>Whether the parse has been given back: a value made from it reads <see cref="Utf8"/> instead.</summary>
    public bool IsReleased => Volatile.Read(ref _document) is null;

    /// <summary>The parsed root. Only before <see cref="Release"/>, by the run that parsed or took it.</summary>
    public JsonElement Root => (_document ?? throw new ObjectDisposedException(nameof(ParsedJson))).RootElement;

    /// <summary>
    /// <paramref name="utf8"/> (JSON, nested at most <paramref name="maxDepth"/> deep) parsed. Throws
    /// <see cref="JsonException"/> when it is not JSON. <paramref name="utf8"/> must be memory that nothing reuses for as
    /// long as any value made from it lives.
    /// </summary>
    public static ParsedJson Parse(ReadOnlyMemory<byte> utf8, int maxDepth) =>
#pragma warning disable CA2000 // Disposed by Release, which the run that takes the parse calls.
        new(utf8, maxDepth, JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = maxDepth }));
#pragma warning restore CA2000

    /// <summary>Whether this run is the one that reads the parse (and then releases it); false for any later run.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Available) == Available;

    /// <summary>Gives the parse back to the pool. Values made from it stay valid (they read the text again). Idempotent.</summary>
    public void Release()
    {
        _state = Taken;
        Interlocked.Exchange(ref _document, null)?.Dispose();
    }
}
