using System.Text;

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
/// One pass over the input per rule, no regular expressions, no backtracking: linear in the input's length.
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

    public static string ToText(string html)
    {
        var value = html.Contains('\r') ? html.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n') : html;
        if (value.Contains('<'))
        {
            value = ReplaceTags(value, MatchBreak, "\n");
            value = ReplaceTags(value, MatchListItem, "\n- ");
            value = ReplaceTags(value, MatchBlockEnd, "\n");
            value = ReplaceTags(value, MatchAnyTag, string.Empty);
        }

        if (value.Contains('&'))
        {
            value = DecodeEntities(value);
        }

        return JsTrim(CollapseBlankLines(RemoveTrailingSpace(value)));
    }

    /// <summary>Decodes <c>&amp;#…;</c>, <c>&amp;#x…;</c> (up to U+10FFFF) and the named entities; leaves any other <c>&amp;…;</c> as written.</summary>
    public static string DecodeEntities(string value)
    {
        var amp = value.IndexOf('&', StringComparison.Ordinal);
        if (amp < 0)
        {
            return value;
        }

        var text = new StringBuilder(value.Length);
        var copied = 0;
        for (; amp >= 0; amp = value.IndexOf('&', amp + 1))
        {
            if (MatchEntity(value, amp) is not { } entity)
            {
                continue;
            }

            text.Append(value, copied, amp - copied).Append(entity.Text);
            copied = amp + entity.Length;
            amp = copied - 1;
        }

        return text.Append(value, copied, value.Length - copied).ToString();
    }

    /// <summary>The decoded text and matched length of an entity at <paramref name="at"/> (an '&amp;'), or null.</summary>
    private static (string Text, int Length)? MatchEntity(string value, int at)
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

            var code = int.Parse(value.AsSpan(start, end - start), hex ? System.Globalization.NumberStyles.AllowHexSpecifier : System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
            var length = end + 1 - at;
            return code is > 0 and <= 0x10FFFF
                ? (code <= 0xFFFF ? ((char)code).ToString() : char.ConvertFromUtf32(code), length)
                : (value.Substring(at, length), length);
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

        var match = nameEnd + 1 - at;
        return NamedEntities.TryGetValue(value.Substring(i, nameEnd - i).ToLowerInvariant(), out var decoded) ? (decoded, match) : (value.Substring(at, match), match);
    }

    /// <summary>The length of the tag a matcher finds at <paramref name="at"/> (a '&lt;'), or 0.</summary>
    private delegate int TagMatcher(string value, int at);

    private static string ReplaceTags(string value, TagMatcher match, string replacement)
    {
        StringBuilder? text = null;
        var copied = 0;
        for (var at = value.IndexOf('<', StringComparison.Ordinal); at >= 0; at = value.IndexOf('<', at + 1))
        {
            var length = match(value, at);
            if (length < 0)
            {
                break;
            }

            if (length == 0)
            {
                continue;
            }

            text ??= new StringBuilder(value.Length);
            text.Append(value, copied, at - copied).Append(replacement);
            copied = at + length;
            at = copied - 1;
        }

        return text is null ? value : text.Append(value, copied, value.Length - copied).ToString();
    }

    // Each returns the tag's length, 0 for no tag here, or -1 when no tag can follow (no '>' is left).
    private static int MatchBreak(string value, int at)
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

    private static int MatchListItem(string value, int at)
    {
        if (at + 2 >= value.Length || value[at + 1] is not ('l' or 'L') || value[at + 2] is not ('i' or 'I'))
        {
            return 0;
        }

        var close = value.IndexOf('>', at + 3);
        return close < 0 ? -1 : close + 1 - at;
    }

    private static int MatchBlockEnd(string value, int at)
    {
        if (at + 1 >= value.Length || value[at + 1] != '/')
        {
            return 0;
        }

        foreach (var name in BlockEnds)
        {
            var end = at + 2 + name.Length;
            if (end < value.Length && value[end] == '>' && value.AsSpan(at + 2, name.Length).Equals(name, StringComparison.OrdinalIgnoreCase) && IsAscii(value.AsSpan(at + 2, name.Length)))
            {
                return end + 1 - at;
            }
        }

        return 0;
    }

    private static int MatchAnyTag(string value, int at)
    {
        var close = value.IndexOf('>', at + 1);
        return close < 0 ? -1 : close + 1 - at;
    }

    /// <summary>Removes runs of space, tab and no-break space that end a line (before LF, CR, U+2028, U+2029 or the end).</summary>
    private static string RemoveTrailingSpace(string value)
    {
        StringBuilder? text = null;
        var copied = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (!IsTrailingSpace(value[i]))
            {
                continue;
            }

            var end = i;
            while (end < value.Length && IsTrailingSpace(value[end]))
            {
                end++;
            }

            if (end == value.Length || value[end] is '\n' or '\r' or '\u2028' or '\u2029')
            {
                text ??= new StringBuilder(value.Length);
                text.Append(value, copied, i - copied);
                copied = end;
            }

            i = end - 1;
        }

        return text is null ? value : text.Append(value, copied, value.Length - copied).ToString();
    }

    private static string CollapseBlankLines(string value)
    {
        if (!value.Contains("\n\n\n", StringComparison.Ordinal))
        {
            return value;
        }

        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '\n')
            {
                text.Append(value[i]);
                continue;
            }

            var end = i;
            while (end < value.Length && value[end] == '\n')
            {
                end++;
            }

            text.Append('\n', end - i >= 3 ? 2 : end - i);
            i = end - 1;
        }

        return text.ToString();
    }

    /// <summary>JavaScript's <c>String.prototype.trim</c>: its white space and line terminators, not .NET's.</summary>
    public static string JsTrim(string value)
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

        return start == 0 && end == value.Length ? value : value[start..end];
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
