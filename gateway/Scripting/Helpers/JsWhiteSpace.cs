namespace HaloIlertGateway.Scripting.Helpers;

/// <summary>ECMAScript's WhiteSpace and LineTerminator, what <c>\s</c> and <c>trim()</c> see (not .NET's white space).</summary>
internal static class JsWhiteSpace
{
    /// <summary>JavaScript's <c>String.prototype.trim</c>.</summary>
    public static string Trim(string value)
    {
        var (start, end) = Trimmed(value);
        return start == 0 && end == value.Length ? value : value[start..end];
    }

    /// <summary>Where <paramref name="value"/> starts and ends once trimmed as <c>trim()</c> trims it.</summary>
    public static (int Start, int End) Trimmed(ReadOnlySpan<char> value)
    {
        var start = 0;
        var end = value.Length;
        while (start < end && Is(value[start]))
        {
            start++;
        }

        while (end > start && Is(value[end - 1]))
        {
            end--;
        }

        return (start, end);
    }

    public static bool Is(char c) => c switch
    {
        '\t' or '\n' or '\v' or '\f' or '\r' or ' ' or '\u00a0' or '\u1680' or '\u2028' or '\u2029' or '\u202f' or '\u205f' or '\u3000' or '\ufeff' => true,
        >= '\u2000' and <= '\u200a' => true,
        _ => false,
    };
}
