namespace HaloIlertGateway.Scripting;

/// <summary>A form body (<c>application/x-www-form-urlencoded</c>) a script can be given: at most <see cref="BodyLimits.MaxNodes"/> fields.</summary>
internal static class FormBody
{
    /// <summary>Null when the form has at most <paramref name="maxFields"/> fields; else why it is refused (counted before it is parsed).</summary>
    public static string? DescribeInvalid(ReadOnlySpan<byte> utf8, int maxFields) =>
        utf8.Count((byte)'&') + 1 > maxFields ? $"The form has more than {maxFields} fields." : null;
}
