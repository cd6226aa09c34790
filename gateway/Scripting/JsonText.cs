using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// JSON a script can be given: parsed by System.Text.Json, no deeper than the sandbox's limit, and with no lone
/// surrogate in a <c>\u</c> escape (the reader accepts one, but it is not text and cannot be sent on). One check for a
/// request body at the edge, a dead letter replayed, and a script's own <c>JSON.parse</c>.
/// </summary>
internal static class JsonText
{
    /// <summary>
    /// Null when <paramref name="utf8"/> is JSON a script can be given, with the text parsed (the script reads it,
    /// not parsed again); else where and why it is not.
    /// </summary>
    public static string? DescribeInvalid(byte[] utf8, int maxDepth, out ParsedJson? parsed)
    {
        parsed = null;
        // A lone surrogate can only be written as a \u escape of D800-DFFF: a text with none (escaped markup such as
        // \u003C included) needs no look at each token.
        if (MayEscapeASurrogate(utf8) && DescribeInvalid(utf8, maxDepth) is { } invalid)
        {
            return invalid;
        }

        try
        {
            parsed = ParsedJson.Parse(utf8, maxDepth);
            return null;
        }
        catch (JsonException ex)
        {
            return Describe(ex);
        }
    }

    /// <summary>Null when <paramref name="utf8"/> is JSON a script can be given; else where and why it is not.</summary>
    public static string? DescribeInvalid(byte[] utf8, int maxDepth)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = maxDepth });
            while (reader.Read())
            {
                // The reader accepts any \uXXXX escape; a lone surrogate ("\ud800") is not text and cannot be sent on.
                if (reader.ValueIsEscaped && reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && !IsWellFormed(ref reader))
                {
                    return $"Line {LineOf(utf8, reader.TokenStartIndex)}: a \\u escape is a lone surrogate (half of a UTF-16 pair), which is not text.";
                }
            }

            return null;
        }
        catch (JsonException ex)
        {
            return Describe(ex);
        }
    }

    /// <summary>
    /// The parse of <paramref name="text"/> when it is JSON a script can be given, else null (nothing is said why:
    /// the caller asks the language's own parser, which says it).
    /// </summary>
    public static ParsedJson? TryParse(string text, int maxDepth)
    {
        // A lone surrogate written as itself has no UTF-8: such a text is left to the caller too.
        var utf8 = new byte[Encoding.UTF8.GetByteCount(text)];
        return Utf8.FromUtf16(text, utf8, out _, out _, replaceInvalidSequences: false) == OperationStatus.Done
            && DescribeInvalid(utf8, maxDepth, out var parsed) is null
                ? parsed
                : null;
    }

    /// <summary>Whether <paramref name="utf8"/> holds <c>\uD8</c> to <c>\uDF</c> (any case), the start of a surrogate's escape.</summary>
    internal static bool MayEscapeASurrogate(ReadOnlySpan<byte> utf8)
    {
        for (var at = utf8.IndexOf("\\u"u8); at >= 0; at = utf8.IndexOf("\\u"u8))
        {
            utf8 = utf8[(at + 2)..];
            if (utf8.Length >= 2 && (utf8[0] | 0x20) == 'd' && (utf8[1] | 0x20) is (>= (byte)'8' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f'))
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(JsonException ex) => $"Line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}: {ex.Message.Split(" LineNumber:")[0]}";

    private static bool IsWellFormed(ref Utf8JsonReader reader)
    {
        try
        {
            _ = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static int LineOf(byte[] utf8, long offset) => utf8.AsSpan(0, (int)offset).Count((byte)'\n') + 1;
}
