using System.Text;
using System.Text.Json.Nodes;

namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>A request as the fake ilert received it.</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset ReceivedAt)
{
    /// <summary>The status the fake answered with (0 when it dropped the connection).</summary>
    public int AnsweredStatus { get; init; }

    /// <summary>The fake's id of the connection the request came on (Kestrel's connection id).</summary>
    public string ConnectionId { get; init; } = "";

    public bool Accepted => AnsweredStatus is >= 200 and < 300;

    public string Path => PathAndQuery.Split('?')[0];

    public string BodyText => Encoding.UTF8.GetString(Body);

    public JsonNode? Json => JsonNode.Parse(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
