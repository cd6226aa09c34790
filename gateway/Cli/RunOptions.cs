namespace HaloIlertGateway.Cli;

/// <summary>The options of <c>transforms run</c>: where the script is, and the request around the payload.</summary>
internal sealed record RunOptions
{
    public string Directory { get; private init; } = "transforms";

    public string Method { get; private init; } = "POST";

    public string Path { get; private init; } = "/";

    public string? SettingsFile { get; private init; }

    /// <summary>The route to run as (its id in proxy.json): its own settings, and <c>context.route</c>.</summary>
    public string? Route { get; private init; }

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, string> Query { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Params { get; } = new(StringComparer.Ordinal);

    private string? ExplicitContentType { get; init; }

    /// <summary><c>--content-type</c>, else a Content-Type <c>--header</c>, else one from the payload's extension.</summary>
    public string ContentType(string payloadPath) =>
        ExplicitContentType ?? Headers.GetValueOrDefault("content-type") ?? System.IO.Path.GetExtension(payloadPath).ToLowerInvariant() switch
        {
            ".json" => "application/json",
            ".xml" => "application/xml",
            ".form" => "application/x-www-form-urlencoded",
            _ => "text/plain",
        };

    public static bool TryParse(string[] args, out RunOptions options, out string problem)
    {
        options = new RunOptions();
        problem = string.Empty;
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length)
            {
                problem = $"{args[i]} needs a value";
                return false;
            }

            var value = args[i + 1];
            switch (args[i])
            {
                case "--dir":
                    options = options with { Directory = value };
                    break;
                case "--settings":
                    options = options with { SettingsFile = value };
                    break;
                case "--route":
                    options = options with { Route = value };
                    break;
                case "--method":
                    options = options with { Method = value.ToUpperInvariant() };
                    break;
                case "--path":
                    options = options with { Path = value };
                    break;
                case "--content-type":
                    options = options with { ExplicitContentType = value };
                    break;
                case "--header" when value.Split(':', 2) is [var name, var headerValue] && name.Trim().Length > 0:
                    options.Headers[name.Trim().ToLowerInvariant()] = headerValue.Trim();
                    break;
                case "--query" when value.Split('=', 2) is [var key, var queryValue]:
                    options.Query[key] = queryValue;
                    break;
                case "--param" when value.Split('=', 2) is [var key, var paramValue]:
                    options.Params[key] = paramValue;
                    break;
                default:
                    problem = $"unknown option or malformed value: {args[i]} {value}";
                    return false;
            }
        }

        return true;
    }
}
