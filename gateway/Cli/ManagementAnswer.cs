using System.Text.Json;

namespace HaloIlertGateway.Cli;

/// <summary>What the management port answered: the status, its reason phrase and the body as text.</summary>
internal sealed record ManagementAnswer(int Status, string? Reason, string Body)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>The body read as <typeparamref name="T"/> (JSON, property names in any case).</summary>
    public T Read<T>() => JsonSerializer.Deserialize<T>(Body, Web) ?? throw new JsonException($"The answer ({Status}) has no body.");
}
