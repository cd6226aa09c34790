namespace HaloIlertGateway.Scripting.Helpers;

/// <summary>
/// HTML character references as <c>gw.decodeEntities</c> and <c>gw.htmlToText</c> decode them: numeric ones
/// (<c>&amp;#233;</c>, <c>&amp;#xE9;</c>, up to U+10FFFF) and the named ones of <see cref="Named"/>
/// (<c>&amp;nbsp;</c> a plain space); anything else stays as written.
/// </summary>
internal static class HtmlEntities
{
    /// <summary>The named entities decoded (lower case; names match in any case).</summary>
    public static readonly IReadOnlyDictionary<string, string> Named = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["amp"] = "&", ["lt"] = "<", ["gt"] = ">", ["quot"] = "\"", ["apos"] = "'", ["nbsp"] = " ", ["times"] = "×",
        ["copy"] = "©", ["reg"] = "®", ["trade"] = "™", ["hellip"] = "…", ["ndash"] = "–", ["mdash"] = "—", ["euro"] = "€",
        ["pound"] = "£", ["laquo"] = "«", ["raquo"] = "»", ["bull"] = "•", ["middot"] = "·", ["deg"] = "°",
    };

    /// <summary>Named entities by name in any case (their names are ASCII letters), looked up without a string made.</summary>
    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> ByName =
        new Dictionary<string, string>(Named, StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Decodes <c>&amp;#…;</c>, <c>&amp;#x…;</c> (up to U+10FFFF) and the named entities; leaves any other <c>&amp;…;</c> as written.</summary>
    public static string Decode(string value) =>
        value.Contains('&') ? InPlaceText.Rewrite(value, static text => (0, Decode(text))) : value;

    /// <summary>Each entity decoded in place (none is shorter than what it decodes to); gives the new length.</summary>
    public static int Decode(Span<char> text)
    {
        var written = 0;
        var copied = 0;
        for (var amp = text.IndexOf('&'); amp >= 0; amp = InPlaceText.IndexOf(text, '&', amp + 1))
        {
            if (Match(text, amp) is not { } entity)
            {
                continue;
            }

            written = InPlaceText.Move(text, copied, amp, written);
            if (entity.Code < 0)
            {
                // Left as written (a code point out of range, a name not known).
                written = InPlaceText.Move(text, amp, amp + entity.Length, written);
            }
            else
            {
                // Up to U+FFFF one UTF-16 unit, a lone surrogate's code included (as String.fromCharCode gives it); past it a pair.
                written += entity.Code <= 0xFFFF
                    ? InPlaceText.Put(text, written, (char)entity.Code)
                    : InPlaceText.Put(text, written, (char)(0xD800 + ((entity.Code - 0x10000) >> 10)), (char)(0xDC00 + ((entity.Code - 0x10000) & 0x3FF)));
            }

            copied = amp + entity.Length;
            amp = copied - 1;
        }

        return InPlaceText.Move(text, copied, text.Length, written);
    }

    /// <summary>The code point of an entity at <paramref name="at"/> (an '&amp;'; -1 for one left as written) and its length, or null for none.</summary>
    private static (int Code, int Length)? Match(ReadOnlySpan<char> value, int at)
    {
        var i = at + 1;
        if (i < value.Length && value[i] == '#')
        {
            var hex = i + 1 < value.Length && value[i + 1] is 'x' or 'X';
            var start = hex ? i + 2 : i + 1;
            var end = start;
            while (end < value.Length && end - start < (hex ? 6 : 7) && (hex ? char.IsAsciiHexDigit(value[end]) : char.IsAsciiDigit(value[end])))
            {
                end++;
            }

            if (end == start || end >= value.Length || value[end] != ';')
            {
                return null;
            }

            var code = int.Parse(value[start..end], hex ? System.Globalization.NumberStyles.AllowHexSpecifier : System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
            return (code is > 0 and <= 0x10FFFF ? code : -1, end + 1 - at);
        }

        var nameEnd = i;
        while (nameEnd < value.Length && nameEnd - i < 8 && char.IsAsciiLetter(value[nameEnd]))
        {
            nameEnd++;
        }

        if (nameEnd - i < 2 || nameEnd >= value.Length || value[nameEnd] != ';')
        {
            return null;
        }

        return (ByName.TryGetValue(value[i..nameEnd], out var decoded) ? decoded[0] : -1, nameEnd + 1 - at);
    }
}
