using System.Globalization;

namespace HaloIlertGateway.Scripting.Sandbox;

/// <summary>The text side of the writer: strings quoted as JSON quotes them, and every character counted against the limit as it is appended.</summary>
internal sealed partial class BoundedJsonWriter
{
    /// <summary>The characters a JSON string cannot hold as they are: quote, backslash, controls, and surrogates (checked for pairing).</summary>
    private static readonly System.Buffers.SearchValues<char> NeedsEscape = System.Buffers.SearchValues.Create(
        string.Concat("\\\"", new string(Enumerable.Range(0, 0x20).Select(c => (char)c).ToArray()), new string(Enumerable.Range(0xD800, 0x800).Select(c => (char)c).ToArray())));

    /// <summary>QuoteJSONString: the escapes JSON needs, lower-case hex, lone surrogates as escapes (well-formed JSON.stringify).</summary>
    private void Quote(string text)
    {
        Append("\"");
        if (!text.AsSpan().ContainsAny(NeedsEscape))
        {
            Append(text);
            Append("\"");
            return;
        }

        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            string? escape = c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => Hex(c),
                _ when char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) => null,
                _ when char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(text[i - 1]) => null,
                _ when char.IsSurrogate(c) => Hex(c),
                _ => null,
            };
            if (escape is not null)
            {
                Append(text.AsSpan(start, i - start));
                Append(escape);
                start = i + 1;
            }
        }

        Append(text.AsSpan(start));
        Append("\"");

        static string Hex(char c) => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture);
    }

    private void Append(ReadOnlySpan<char> text)
    {
        if ((long)_out.Length + text.Length > limit)
        {
            // Keep what fits: a log line shows the start of what was too long.
            _out.Append(text[..Math.Max(0, limit - _out.Length)]);
            throw new SandboxLimitException("string-length", $"{what} would be longer than {limit} characters");
        }

        _out.Append(text);
    }
}
