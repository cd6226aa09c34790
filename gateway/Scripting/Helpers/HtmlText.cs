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
/// <see cref="HtmlEntities.Named"/>; <c>&amp;nbsp;</c> is a plain space; anything else stays as written;</item>
/// <item>spaces, tabs and no-break spaces at the end of a line are removed, runs of blank lines become one, and the
/// text is trimmed as JavaScript's <c>trim()</c> does.</item>
/// </list>
/// One pass over the input per rule, no regular expressions, no backtracking: linear in the input's length. The passes
/// rewrite one buffer in place (<see cref="InPlaceText"/>): the tags (<see cref="HtmlTags"/>), the entities
/// (<see cref="HtmlEntities"/>), and the line ends and blank lines here.
/// </summary>
internal static class HtmlText
{
    public static string ToText(string html) => InPlaceText.Rewrite(html, static text =>
    {
        var length = text.Length;
        if (text.Contains('\r'))
        {
            length = NormalizeLineEnds(text);
        }

        if (text[..length].Contains('<'))
        {
            length = HtmlTags.Replace(text[..length], HtmlTags.Break, "\n");
            length = HtmlTags.Replace(text[..length], HtmlTags.ListItem, "\n- ");
            length = HtmlTags.Replace(text[..length], HtmlTags.BlockEnd, "\n");
            length = HtmlTags.Replace(text[..length], HtmlTags.Any, string.Empty);
        }

        if (text[..length].Contains('&'))
        {
            length = HtmlEntities.Decode(text[..length]);
        }

        length = CollapseBlankLines(text[..RemoveTrailingSpace(text[..length])]);
        var (start, end) = JsWhiteSpace.Trimmed(text[..length]);
        return (start, end - start);
    });

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
                written = InPlaceText.Move(text, copied, i, written);
                copied = end;
            }

            i = end - 1;
        }

        return InPlaceText.Move(text, copied, text.Length, written);
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

    private static bool IsTrailingSpace(char c) => c is ' ' or '\t' or '\u00a0';
}
