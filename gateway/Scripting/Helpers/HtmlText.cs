using System.Buffers;

namespace HaloIlertGateway.Scripting.Helpers;

/// <summary>
/// HTML a ticket tool sends, as readable text: what <c>gw.htmlToText</c> and <c>gw.decodeEntities</c> give a script.
/// The rules are those the shipped transforms applied with regular expressions, pass by pass, and give the same text
/// for every input (<c>bench/nginx/gw.js</c> is the same rules in JavaScript for the njs peer):
/// <list type="number">
/// <item>CR LF and lone CR become LF;</item>
/// <item><c>&lt;br&gt;</c> (any case, optional spaces and slash) becomes a line break, <c>&lt;li …&gt;</c> a line
/// starting "- ", the end of a block (<c>p div h1-h6 tr ul ol table blockquote</c>) a line break, and any other tag
/// (<c>&lt;</c> to the next <c>&gt;</c>) is removed;</item>
/// <item>entities are decoded: numeric ones (<c>&amp;#233;</c>, <c>&amp;#xE9;</c>) and the named ones of
/// <see cref="NamedEntities"/>; <c>&amp;nbsp;</c> is a plain space; anything else stays as written;</item>
/// <item>spaces, tabs and no-break spaces at the end of a line are removed, runs of blank lines become one, and the
/// text is trimmed as JavaScript's <c>trim()</c> does.</item>
/// </list>
/// One pass over the input per rule, no regular expressions, no backtracking: linear in the input's length. The passes
/// rewrite one buffer in place (none writes more than it reads), and only the result is made a string.
/// </summary>
internal static class HtmlText
{
    /// <summary>The named entities decoded (lower case; names match in any case).</summary>
    public static readonly IReadOnlyDictionary<string, string> NamedEntities = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["amp"] = "&", ["lt"] = "<", ["gt"] = ">", ["quot"] = "\"", ["apos"] = "'", ["nbsp"] = " ", ["times"] = "×",
        ["copy"] = "©", ["reg"] = "®", ["trade"] = "™", ["hellip"] = "…", ["ndash"] = "–", ["mdash"] = "—", ["euro"] = "€",
        ["pound"] = "£", ["laquo"] = "«", ["raquo"] = "»", ["bull"] = "•", ["middot"] = "·", ["deg"] = "°",
    };

    private static readonly string[] BlockEnds = ["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "ul", "ol", "table", "blockquote"];

    /// <summary>Named entities by name in any case (their names are ASCII letters), looked up without a string made.</summary>
    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> EntityByName =
        new Dictionary<string, string>(NamedEntities, StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    public static string ToText(string html) => Rewrite(html, static text =>
    {
        var length = text.Length;
        if (text.Contains('\r'))
        {
            length = NormalizeLineEnds(text);
        }

        if (text[..length].Contains('<'))
        {
            length = ReplaceTags(text[..length], MatchBreak, "\n");
            length = ReplaceTags(text[..length], MatchListItem, "\n- ");
            length = ReplaceTags(text[..length], MatchBlockEnd, "\n");
            length = ReplaceTags(text[..length], MatchAnyTag, string.Empty);
        }

        if (text[..length].Contains('&'))
        {
            length = DecodeEntities(text[..length]);
        }

        length = CollapseBlankLines(text[..RemoveTrailingSpace(text[..length])]);
        var (start, end) = JsTrimmed(text[..length]);
        return (start, end - start);
    });

    /// <summary>Decodes <c>&amp;#…;</c>, <c>&amp;#x…;</c> (up to U+10FFFF) and the named entities; leaves any other <c>&amp;…;</c> as written.</summary>
    public static string DecodeEntities(string value) =>
        value.Contains('&') ? Rewrite(value, static text => (0, DecodeEntities(text))) : value;

    /// <summary>
    /// <paramref name="value"/> rewritten in one buffer by passes that each write no more than they read (so each can
    /// write where it reads): the same string when the text comes out unchanged, else one new string.
    /// </summary>
    private static string Rewrite(string value, RewritePasses passes)
    {
        char[]? rented = null;
        var text = value.Length <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(value.Length));
        try
        {
            text = text[..value.Length];
            value.CopyTo(text);
            var (start, length) = passes(text);
            var result = text.Slice(start, length);
            return result.SequenceEqual(value) ? value : new string(result);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Texts of up to this many characters are rewritten on the stack, longer ones in a rented array.</summary>
    private const int StackChars = 512;

    /// <summary>Rewrites the text in place; gives where the result starts in it, and its length.</summary>
    private delegate (int Start, int Length) RewritePasses(Span<char> text);

    /// <summary>CR LF and lone CR become LF.</summary>
    private static int NormalizeLineEnds(Span<char> text)
    {
        var written = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\r')
            {
                text[written++] = '\n';
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }
            }
            else
            {
                text[written++] = text[i];
            }
        }

        return written;
    }

    /// <summary>Each entity decoded in place (none is shorter than what it decodes to); gives the new length.</summary>
    private static int DecodeEntities(Span<char> text)
    {
        var written = 0;
        var copied = 0;
        for (var amp = text.IndexOf('&'); amp >= 0; amp = IndexOf(text, '&', amp + 1))
        {
            if (MatchEntity(text, amp) is not { } entity)
            {
                continue;
            }

            written = Move(text, copied, amp, written);
            if (entity.Code < 0)
            {
                // Left as written (a code point out of range, a name not known).
                written = Move(text, amp, amp + entity.Length, written);
            }
            else
            {
                // Up to U+FFFF one UTF-16 unit, a lone surrogate's code included (as String.fromCharCode gives it); past it a pair.
                written += entity.Code <= 0xFFFF
                    ? Put(text, written, (char)entity.Code)
                    : Put(text, written, (char)(0xD800 + ((entity.Code - 0x10000) >> 10)), (char)(0xDC00 + ((entity.Code - 0x10000) & 0x3FF)));
            }

            copied = amp + entity.Length;
            amp = copied - 1;
        }

        return Move(text, copied, text.Length, written);
    }

    /// <summary>The code point of an entity at <paramref name="at"/> (an '&amp;'; -1 for one left as written) and its length, or null for none.</summary>
    private static (int Code, int Length)? MatchEntity(ReadOnlySpan<char> value, int at)
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

        return (EntityByName.TryGetValue(value[i..nameEnd], out var decoded) ? decoded[0] : -1, nameEnd + 1 - at);
    }

    /// <summary>The length of the tag a matcher finds at <paramref name="at"/> (a '&lt;'), or 0.</summary>
    private delegate int TagMatcher(ReadOnlySpan<char> value, int at);

    /// <summary>Each tag <paramref name="match"/> finds replaced in place by <paramref name="replacement"/> (never longer than a tag); gives the new length.</summary>
    private static int ReplaceTags(Span<char> text, TagMatcher match, string replacement)
    {
        var written = 0;
        var copied = 0;
        for (var at = text.IndexOf('<'); at >= 0; at = IndexOf(text, '<', at + 1))
        {
            var length = match(text, at);
            if (length < 0)
            {
                break;
            }

            if (length == 0)
            {
                continue;
            }

            written = Move(text, copied, at, written);
            replacement.CopyTo(text[written..]);
            written += replacement.Length;
            copied = at + length;
            at = copied - 1;
        }

        return Move(text, copied, text.Length, written);
    }

    // Each returns the tag's length, 0 for no tag here, or -1 when no tag can follow (no '>' is left).
    private static int MatchBreak(ReadOnlySpan<char> value, int at)
    {
        if (at + 2 >= value.Length || value[at + 1] is not ('b' or 'B') || value[at + 2] is not ('r' or 'R'))
        {
            return 0;
        }

        var i = at + 3;
        while (i < value.Length && IsJsWhiteSpace(value[i]))
        {
            i++;
        }

        if (i < value.Length && value[i] == '/')
        {
            i++;
        }

        return i < value.Length && value[i] == '>' ? i + 1 - at : 0;
    }

    private static int MatchListItem(ReadOnlySpan<char> value, int at)
    {
        if (at + 2 >= value.Length || value[at + 1] is not ('l' or 'L') || value[at + 2] is not ('i' or 'I'))
        {
            return 0;
        }

        var close = IndexOf(value, '>', at + 3);
        return close < 0 ? -1 : close + 1 - at;
    }

    private static int MatchBlockEnd(ReadOnlySpan<char> value, int at)
    {
        if (at + 1 >= value.Length || value[at + 1] != '/')
        {
            return 0;
        }

        foreach (var name in BlockEnds)
        {
            var end = at + 2 + name.Length;
            if (end < value.Length && value[end] == '>' && value.Slice(at + 2, name.Length).Equals(name, StringComparison.OrdinalIgnoreCase) && IsAscii(value.Slice(at + 2, name.Length)))
            {
                return end + 1 - at;
            }
        }

        return 0;
    }

    private static int MatchAnyTag(ReadOnlySpan<char> value, int at)
    {
        var close = IndexOf(value, '>', at + 1);
        return close < 0 ? -1 : close + 1 - at;
    }

    /// <summary>Removes runs of space, tab and no-break space that end a line (before LF, CR, U+2028, U+2029 or the end); gives the new length.</summary>
    private static int RemoveTrailingSpace(Span<char> text)
    {
        var written = 0;
        var copied = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (!IsTrailingSpace(text[i]))
            {
                continue;
            }

            var end = i;
            while (end < text.Length && IsTrailingSpace(text[end]))
            {
                end++;
            }

            if (end == text.Length || text[end] is '\n' or '\r' or '\u2028' or '\u2029')
            {
                written = Move(text, copied, i, written);
                copied = end;
            }

            i = end - 1;
        }

        return Move(text, copied, text.Length, written);
    }

    /// <summary>Runs of three or more line feeds become two; gives the new length.</summary>
    private static int CollapseBlankLines(Span<char> text)
    {
        if (!text.Contains("\n\n\n", StringComparison.Ordinal))
        {
            return text.Length;
        }

        var written = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\n')
            {
                text[written++] = text[i];
                continue;
            }

            var end = i;
            while (end < text.Length && text[end] == '\n')
            {
                end++;
            }

            var kept = end - i >= 3 ? 2 : end - i;
            text.Slice(written, kept).Fill('\n');
            written += kept;
            i = end - 1;
        }

        return written;
    }

    /// <summary>Moves <c>text[from..to]</c> down to <paramref name="written"/> (never past where it is read); gives the new written length.</summary>
    private static int Move(Span<char> text, int from, int to, int written)
    {
        if (from != written)
        {
            text[from..to].CopyTo(text[written..]);
        }

        return written + to - from;
    }

    private static int Put(Span<char> text, int at, params ReadOnlySpan<char> units)
    {
        units.CopyTo(text[at..]);
        return units.Length;
    }

    /// <summary>The first <paramref name="c"/> at or after <paramref name="from"/>, or -1.</summary>
    private static int IndexOf(ReadOnlySpan<char> text, char c, int from)
    {
        var found = text[from..].IndexOf(c);
        return found < 0 ? -1 : from + found;
    }

    /// <summary>JavaScript's <c>String.prototype.trim</c>: its white space and line terminators, not .NET's.</summary>
    public static string JsTrim(string value)
    {
        var (start, end) = JsTrimmed(value);
        return start == 0 && end == value.Length ? value : value[start..end];
    }

    private static (int Start, int End) JsTrimmed(ReadOnlySpan<char> value)
    {
        var start = 0;
        var end = value.Length;
        while (start < end && IsJsWhiteSpace(value[start]))
        {
            start++;
        }

        while (end > start && IsJsWhiteSpace(value[end - 1]))
        {
            end--;
        }

        return (start, end);
    }

    /// <summary>ECMAScript's WhiteSpace and LineTerminator: what <c>\s</c> and <c>trim()</c> see.</summary>
    public static bool IsJsWhiteSpace(char c) => c switch
    {
        '\t' or '\n' or '\v' or '\f' or '\r' or ' ' or '\u00a0' or '\u1680' or '\u2028' or '\u2029' or '\u202f' or '\u205f' or '\u3000' or '\ufeff' => true,
        >= '\u2000' and <= '\u200a' => true,
        _ => false,
    };

    private static bool IsTrailingSpace(char c) => c is ' ' or '\t' or '\u00a0';

    private static bool IsAscii(ReadOnlySpan<char> text) => !text.ContainsAnyExceptInRange('\0', '\u007f');
}
