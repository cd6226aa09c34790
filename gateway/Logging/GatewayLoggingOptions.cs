namespace HaloIlertGateway.Logging;

/// <summary>How the gateway writes its log. Section <c>Gateway:Logging</c>; levels live in <c>Serilog:MinimumLevel</c>.</summary>
public sealed class GatewayLoggingOptions
{
    public const string SectionName = "Gateway:Logging";

    /// <summary><c>text</c> (default) for people, <c>json</c> for compact JSON (CLEF) to a log shipper.</summary>
    public LogFormat Format { get; set; } = LogFormat.Text;
}

public enum LogFormat
{
    Text,
    Json,
}
