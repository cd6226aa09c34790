using System.Buffers;

namespace HaloIlertGateway.Scripting.Helpers;

/// <summary>
/// A text rewritten in one buffer by passes that each write no more than they read, so that each can write where it
/// reads (<see cref="HtmlText"/>, <see cref="HtmlEntities"/>): no pass allocates, and only the result is made a string.
/// </summary>
internal static class InPlaceText
{
    /// <summary>Texts of up to this many characters are rewritten on the stack, longer ones in a rented array.</summary>
    private const int StackChars = 512;

    /// <summary>Rewrites the text in place; gives where the result starts in it, and its length.</summary>
    public delegate (int Start, int Length) Passes(Span<char> text);

    /// <summary><paramref name="value"/> rewritten by <paramref name="passes"/>: the same string when the text comes out unchanged, else one new string.</summary>
    public static string Rewrite(string value, Passes passes)
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

    /// <summary>Moves <c>text[from..to]</c> down to <paramref name="written"/> (never past where it is read); gives the new written length.</summary>
    public static int Move(Span<char> text, int from, int to, int written)
    {
        if (from != written)
        {
            text[from..to].CopyTo(text[written..]);
        }

        return written + to - from;
    }

    /// <summary>Writes <paramref name="units"/> at <paramref name="at"/>; gives how many.</summary>
    public static int Put(Span<char> text, int at, params ReadOnlySpan<char> units)
    {
        units.CopyTo(text[at..]);
        return units.Length;
    }

    /// <summary>The first <paramref name="c"/> at or after <paramref name="from"/>, or -1.</summary>
    public static int IndexOf(ReadOnlySpan<char> text, char c, int from)
    {
        var found = text[from..].IndexOf(c);
        return found < 0 ? -1 : from + found;
    }
}
