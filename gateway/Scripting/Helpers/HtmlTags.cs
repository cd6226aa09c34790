namespace HaloIlertGateway.Scripting.Helpers;

/// <summary>
/// The tag passes of <see cref="HtmlText"/>, each replacing in place the tags it matches: <c>&lt;br&gt;</c> (any case,
/// optional spaces and slash), <c>&lt;li …&gt;</c>, the end of a block (<see cref="BlockEnds"/>), and any other tag
/// (<c>&lt;</c> to the next <c>&gt;</c>). No regular expressions, no backtracking.
/// </summary>
internal static class HtmlTags
{
    private static readonly string[] BlockEnds = ["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "ul", "ol", "table", "blockquote"];

    /// <summary>The length of the tag a matcher finds at <paramref name="at"/> (a '&lt;'), 0 for no tag there, or -1 when no tag can follow (no '&gt;' is left).</summary>
    public delegate int Matcher(ReadOnlySpan<char> value, int at);

    /// <summary>Each tag <paramref name="match"/> finds replaced in place by <paramref name="replacement"/> (never longer than a tag); gives the new length.</summary>
    public static int Replace(Span<char> text, Matcher match, string replacement)
    {
        var written = 0;
        var copied = 0;
        for (var at = text.IndexOf('<'); at >= 0; at = InPlaceText.IndexOf(text, '<', at + 1))
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

            written = InPlaceText.Move(text, copied, at, written);
            replacement.CopyTo(text[written..]);
            written += replacement.Length;
            copied = at + length;
            at = copied - 1;
        }

        return InPlaceText.Move(text, copied, text.Length, written);
    }

    public static int Break(ReadOnlySpan<char> value, int at)
    {
        if (at + 2 >= value.Length || value[at + 1] is not ('b' or 'B') || value[at + 2] is not ('r' or 'R'))
        {
            return 0;
        }

        var i = at + 3;
        while (i < value.Length && JsWhiteSpace.Is(value[i]))
        {
            i++;
        }

        if (i < value.Length && value[i] == '/')
        {
            i++;
        }

        return i < value.Length && value[i] == '>' ? i + 1 - at : 0;
    }

    public static int ListItem(ReadOnlySpan<char> value, int at)
    {
        if (at + 2 >= value.Length || value[at + 1] is not ('l' or 'L') || value[at + 2] is not ('i' or 'I'))
        {
            return 0;
        }

        var close = InPlaceText.IndexOf(value, '>', at + 3);
        return close < 0 ? -1 : close + 1 - at;
    }

    public static int BlockEnd(ReadOnlySpan<char> value, int at)
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

    public static int Any(ReadOnlySpan<char> value, int at)
    {
        var close = InPlaceText.IndexOf(value, '>', at + 1);
        return close < 0 ? -1 : close + 1 - at;
    }

    private static bool IsAscii(ReadOnlySpan<char> text) => !text.ContainsAnyExceptInRange('\0', '\u007f');
}
