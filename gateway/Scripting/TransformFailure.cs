namespace HaloIlertGateway.Scripting;

/// <summary>
/// Why a run did not produce a request. <see cref="Limit"/> names the sandbox limit that stopped it
/// (<c>timeout</c>, <c>statements</c>, <c>memory</c>, <c>recursion</c>, <c>regex-timeout</c>), or is null when the
/// script itself failed. Line and column are 1-based and known for script errors.
/// </summary>
internal sealed record TransformFailure(string Script, string Message, string? Limit = null, int? Line = null, int? Column = null)
{
    public bool IsLimit => Limit is not null;

    /// <summary>" (line L, column C)" when the position is known, else empty.</summary>
    public string Where => Line is null ? string.Empty : $" (line {Line}, column {Column})";

    /// <summary>One line for a dead letter's reason: the limit (or "error"), the message and the position.</summary>
    public string Describe() => $"{Limit ?? "error"}: {Message}{Where}";
}
