using System.Text;
using System.Text.Json.Nodes;
using HaloIlertGateway.Delivery;
using HaloIlertGateway.Logging;
using HaloIlertGateway.Scripting;

namespace HaloIlertGateway.Admin;

/// <summary>
/// Outbox events and dead letters as the management port shows them: keys in paths masked, credential-like body
/// members (<c>integrationKey</c>, <c>apiKey</c>, …) masked, every secret value the gateway knows masked, headers
/// reduced to their names.
/// </summary>
internal static class DeliveryView
{
    private static readonly string[] SecretMembers = ["integrationKey", "apiKey", "token", "password", "secret"];

    public static OutboxEventView Outbox(OutboxMessage m, IReadOnlyCollection<string> secrets) => new(
        m.Id, m.Route, m.Method, SecretRedactor.Redact(m.PathAndQuery, secrets), m.Headers.Keys, m.CreatedAt, m.Attempts, m.NextAttemptAt,
        m.LastError is null ? null : SecretRedactor.Redact(m.LastError, secrets), m.LastStatus);

    public static DeadLetterView Dead(DeadLetter d, IReadOnlyCollection<string> secrets, bool withBody)
    {
        IReadOnlyCollection<string> all = [.. secrets, .. TransformContract.SecretParams(d.RouteValues)];
        return new DeadLetterView(
            d.Id, d.Kind, SecretRedactor.Redact(d.Reason, all), d.Route, d.Method, SecretRedactor.Redact(d.PathAndQuery, all), d.Headers.Keys,
            d.CreatedAt, d.DeadAt, d.Attempts, d.LastStatus, withBody ? Body(d.Body, all) : null);
    }

    private static JsonNode? Body(byte[] body, IReadOnlyCollection<string> secrets)
    {
        try
        {
            var node = JsonNode.Parse(body);
            Mask(node);
            return node is null ? null : JsonNode.Parse(SecretRedactor.Redact(node.ToJsonString(), secrets));
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(SecretRedactor.Redact(Encoding.UTF8.GetString(body), secrets));
        }
    }

    /// <summary>Credential-like members (<c>integrationKey</c>, <c>apiKey</c>, …) of a JSON body masked, in place.</summary>
    public static void Mask(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (value is JsonValue && SecretMembers.Any(member => name.Contains(member, StringComparison.OrdinalIgnoreCase)))
                    {
                        obj[name] = SecretRedactor.Mask;
                    }
                    else
                    {
                        Mask(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Mask(item);
                }

                break;
        }
    }
}
