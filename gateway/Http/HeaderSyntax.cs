using System.Buffers;

namespace HaloIlertGateway.Http;

/// <summary>
/// HTTP's rules for a header the gateway sends as it is: the name a token (RFC 9110), the value visible ASCII, spaces
/// and tabs. A CR or LF would split the request; a non-ASCII value has no agreed encoding.
/// </summary>
internal static class HeaderSyntax
{
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    public static bool IsValid(string name, string value) => IsValidName(name) && value.All(IsValidValueChar);

    public static bool IsValidName(string name) => name.Length > 0 && name.AsSpan().IndexOfAnyExcept(TokenChars) < 0;

    public static bool IsValidValueChar(char c) => c is (>= ' ' and < '\u007f') or '\t';

    private const int MaxCachedNames = 512;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> LowerCaseNames = new(StringComparer.Ordinal);

    /// <summary>
    /// A header name in lower case, as scripts see it. The names a server meets are few (Kestrel hands the known ones
    /// over as the same strings every time): their lower-case forms are kept, up to a bound, instead of being made on
    /// every request; a flood of made-up names cannot grow the cache past it.
    /// </summary>
    public static string LowerCaseName(string name)
    {
        if (!name.AsSpan().ContainsAnyInRange('A', 'Z'))
        {
            return name;
        }

        if (LowerCaseNames.TryGetValue(name, out var lower))
        {
            return lower;
        }

        lower = name.ToLowerInvariant();
        if (LowerCaseNames.Count < MaxCachedNames)
        {
            LowerCaseNames.TryAdd(name, lower);
        }

        return lower;
    }
}
