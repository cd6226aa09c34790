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
}
