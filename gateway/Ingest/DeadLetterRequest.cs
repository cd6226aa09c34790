using HaloIlertGateway.Delivery;
using HaloIlertGateway.Scripting;
using Microsoft.AspNetCore.WebUtilities;

namespace HaloIlertGateway.Ingest;

/// <summary>A request dead letter as the <see cref="IncomingRequest"/> its transform is given again on replay.</summary>
internal static class DeadLetterRequest
{
    /// <summary>
    /// The request as it was kept: its body checked again as the edge checks it (within <paramref name="limits"/>), and
    /// given as text when it is not valid in its format, so that a fixed transform can repair it.
    /// </summary>
    public static IncomingRequest From(DeadLetter deadLetter, BodyLimits limits)
    {
        var split = deadLetter.PathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = split < 0 ? deadLetter.PathAndQuery : deadLetter.PathAndQuery[..split];
        var query = split < 0
            ? new Dictionary<string, string>()
            : QueryHelpers.ParseQuery(deadLetter.PathAndQuery[split..]).ToDictionary(pair => pair.Key, pair => pair.Value.ToString());
        var kind = TransformBody.KindOf(deadLetter.Headers.GetValueOrDefault("content-type"), deadLetter.Body.Length);
        // A valid JSON body is parsed once, here: the script reads this document.
        ParsedJson? parsed = null;
        byte[]? converted = null;
        if ((kind == TransformBodyKind.Json && (!System.Text.Unicode.Utf8.IsValid(deadLetter.Body) || JsonText.DescribeInvalid(deadLetter.Body, limits.MaxDepth, out parsed) is not null))
            || (kind == TransformBodyKind.Xml && XmlBody.DescribeInvalid(deadLetter.Body, limits, out converted) is not null)
            || (kind == TransformBodyKind.Form && FormBody.DescribeInvalid(deadLetter.Body, limits.MaxNodes) is not null))
        {
            // A body refused as JSON or XML reaches the script as text, so that a fixed transform can repair it.
            kind = TransformBodyKind.Text;
        }

        var headers = new Dictionary<string, string>(deadLetter.Headers, StringComparer.OrdinalIgnoreCase);
        return new IncomingRequest(deadLetter.Method, path, query, headers, deadLetter.RouteValues, new TransformBody(kind, deadLetter.Body) { Parsed = parsed, Converted = converted })
        {
            RawQuery = split < 0 ? string.Empty : deadLetter.PathAndQuery[split..],
        };
    }
}
