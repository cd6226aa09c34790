namespace HaloIlertGateway.Scripting.Sandbox;

/// <summary>
/// A sandbox limit that the gateway checks itself (Jint's own limits have their own exception types): thrown from a
/// guarded built-in before it does the work. A script cannot catch it; the run fails with <see cref="Limit"/> named.
/// </summary>
internal sealed class SandboxLimitException(string limit, string message) : Exception(message)
{
    /// <summary>The limit's name as a client sees it in the problem's <c>limit</c>: <c>string-length</c>, <c>array-length</c>.</summary>
    public string Limit { get; } = limit;

    public static SandboxLimitException StringLength(string what, long length, int limit) =>
        new("string-length", $"{what} would make a string of {length} characters; the limit is {limit}");

    public static SandboxLimitException ArrayLength(string what, long length, int limit) =>
        new("array-length", $"{what} would make an array of {length} elements; the limit is {limit}");
}
