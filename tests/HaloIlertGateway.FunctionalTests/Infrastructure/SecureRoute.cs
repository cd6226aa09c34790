namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>
/// A route that uses every credential feature: an inbound check (<c>halo-inbound</c>, two accepted keys for
/// rotation), a transform given a secret through <c>context.secrets</c>, and an injected upstream Authorization.
/// All secrets are files in a temp folder, as Docker/Kubernetes secrets would be.
/// </summary>
public sealed class SecureRoute : IDisposable
{
    public const string RouteId = "secure";

    public const string Script = """
        function transform(request, context) {
          context.log("forwarding with", context.secrets.ilertKey);
          request.body = { integrationKey: context.secrets.ilertKey, sawHeaders: Object.keys(request.headers).sort() };
          return request;
        }
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-secrets-").FullName;

    public string InboundKey { get; } = "inbound-" + Guid.NewGuid().ToString("N");

    public string RotatedInboundKey { get; } = "rotated-" + Guid.NewGuid().ToString("N");

    public string IlertToken { get; } = "ilert-token-" + Guid.NewGuid().ToString("N");

    public string TransformSecret { get; } = "il1hps" + Guid.NewGuid().ToString("N");

    public static string Path => TestRoutes.PathOf(RouteId, "tenant-a");

    public IEnumerable<string> AllSecrets => [InboundKey, RotatedInboundKey, IlertToken, TransformSecret];

    /// <summary>Adds the inbound check, the route and its secrets to <paramref name="gateway"/>.</summary>
    public void AddTo(GatewayFactory gateway, string kind = "ApiKey")
    {
        gateway.Settings["Gateway:InboundAuth:halo-inbound:Kind"] = kind;
        gateway.Settings["Gateway:InboundAuth:halo-inbound:Username"] = kind == "Basic" ? "halo" : null;
        gateway.Settings["Gateway:InboundAuth:halo-inbound:Secrets:0"] = Secret("inbound", InboundKey);
        gateway.Settings["Gateway:InboundAuth:halo-inbound:Secrets:1"] = Secret("rotated", RotatedInboundKey);
        gateway.Settings["Gateway:Transforms:secure:Secrets:ilertKey"] = Secret("transform", TransformSecret);
        gateway.WithTransformRoute(RouteId, "secure");
        gateway.Settings[$"ReverseProxy:Routes:{RouteId}:AuthorizationPolicy"] = "halo-inbound";
        gateway.Settings[$"ReverseProxy:Routes:{RouteId}:Transforms:1:InjectCredential"] = "Authorization";
        gateway.Settings[$"ReverseProxy:Routes:{RouteId}:Transforms:1:Secret"] = Secret("ilert", IlertToken);
        gateway.Settings[$"ReverseProxy:Routes:{RouteId}:Transforms:1:Prefix"] = "Bearer ";
    }

    /// <summary>Writes a secret file and returns its reference.</summary>
    public string Secret(string name, string value)
    {
        var file = System.IO.Path.Combine(_directory, name);
        File.WriteAllText(file, value + "\n");
        return "file:" + file;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
