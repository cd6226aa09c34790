using System.Reflection;
using System.Text.RegularExpressions;
using HaloIlertGateway.Hosting;
using HaloIlertGateway.Tests.Infrastructure;
using YamlDotNet.Serialization;

namespace HaloIlertGateway.Tests.Hosting;

/// <summary>
/// deploy/compose.yaml and deploy/kubernetes/ cannot be run here (no container engine): they are read and held to the
/// app and the Dockerfile instead: ports, probe paths, settings' names, mounts, the image's user.
/// </summary>
public sealed partial class DeploymentFilesTests
{
    private static readonly string Deploy = Path.Combine(RepositoryPaths.Root, "deploy");
    private static readonly string Dockerfile = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Dockerfile"));

    [Fact]
    public void EverySettingTheFilesGiveIsOneTheGatewayReads()
    {
        var names = Environments().SelectMany(env => env.Keys).Where(name => name.StartsWith("Gateway__", StringComparison.Ordinal)).Distinct().ToList();

        Assert.NotEmpty(names);
        // A list's items are numbered (Gateway__ForwardedHeaders__KnownNetworks__0): the setting is the list.
        Assert.All(names, name => Assert.True(KnownSettings().Contains(ListIndex().Replace(name.Replace("__", ":", StringComparison.Ordinal), string.Empty)), $"{name} is not a setting of the gateway"));
    }

    [Fact]
    public void TheComposeFileMountsWhatTheSettingsNameAndBalancesThePublicPort()
    {
        var compose = Load(Path.Combine(Deploy, "compose.yaml"));
        var services = Map(compose["services"]);
        var gateways = services.Where(s => s.Key.StartsWith("gateway", StringComparison.Ordinal)).Select(s => Map(s.Value)).ToList();

        Assert.True(gateways.Count >= 2, "at least two gateways");
        foreach (var gateway in gateways)
        {
            var env = Strings(gateway["environment"]);
            var mounts = List(gateway["volumes"]).Select(v => v.ToString()!.Split(':')[1]).ToList();
            Assert.Equal("Postgres", env["Gateway__Store__Provider"]);
            Assert.Contains(env["Gateway__ProxyConfigFile"], mounts);
            Assert.Contains("/app/transforms", mounts);
            var secretFile = SecretFile(env["Gateway__Store__ConnectionString"]);
            Assert.Contains(Path.GetFileName(secretFile), List(gateway["secrets"]).Select(s => s.ToString()));
            Assert.StartsWith("/run/secrets/", secretFile, StringComparison.Ordinal);
        }

        // The balancer names each client, and the gateways believe it from the compose network only.
        var nginx = File.ReadAllText(Path.Combine(Deploy, "nginx.conf"));
        Assert.Contains("proxy_set_header X-Forwarded-For $remote_addr;", nginx, StringComparison.Ordinal);
        Assert.All(gateways, gateway => Assert.True(Strings(gateway["environment"]).ContainsKey("Gateway__ForwardedHeaders__KnownNetworks__0")));

        var upstreams = UpstreamPorts().Matches(nginx).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(gateways.Count, upstreams.Count);
        Assert.All(upstreams, port => Assert.Equal(PublicPort(), port));
    }

    [Fact]
    public void TheDeploymentsPortsProbesMountsAndUserAreTheAppsAndTheImages()
    {
        var deployment = Load(Path.Combine(Deploy, "kubernetes", "deployment.yaml"));
        var spec = Map(Map(Map(deployment["spec"])["template"])["spec"]);
        var container = Map(List(spec["containers"]).Single());
        var env = List(container["env"]).Select(Map).ToDictionary(e => e["name"].ToString()!, e => e.TryGetValue("value", out var v) ? v.ToString()! : "(secret)");
        var ports = List(container["ports"]).Select(Map).ToDictionary(p => p["name"].ToString()!, p => p["containerPort"].ToString()!);
        var mounts = List(container["volumeMounts"]).Select(m => Map(m)["mountPath"].ToString()!).ToList();

        Assert.True(int.Parse(Map(deployment["spec"])["replicas"].ToString()!, System.Globalization.CultureInfo.InvariantCulture) >= 2);
        Assert.Equal(PublicPort(), ports["http"]);
        var management = new Uri(env["Gateway__Management__Urls"].Replace("+", "localhost", StringComparison.Ordinal));
        Assert.Equal(management.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ports["management"]);

        var readiness = List(Map(Map(container["readinessProbe"])["exec"])["command"]).Select(c => c.ToString()!).ToList();
        Assert.Equal(["dotnet", $"{WorkDir()}/HaloIlertGateway.dll", "healthcheck"], readiness.Take(3));
        var probed = new Uri(readiness[3]);
        Assert.Equal(("/readyz", management.Port), (probed.AbsolutePath, probed.Port));
        Assert.Equal(new Uri(probed, "/"), StartupWarmup.LoopbackUri(env["Gateway__Management__Urls"]));
        var liveness = Map(Map(container["livenessProbe"])["httpGet"]);
        Assert.Equal(("/healthz", "http"), (liveness["path"].ToString(), liveness["port"].ToString()));

        Assert.Contains(Path.GetDirectoryName(env["Gateway__ProxyConfigFile"]), mounts);
        Assert.Contains($"{WorkDir()}/transforms", mounts);
        Assert.Contains(Path.GetDirectoryName(SecretFile(env["Gateway__Store__ConnectionString"])), mounts);
        Assert.Equal("(secret)", env["Gateway__Management__Token"]);
        Assert.Equal("(secret)", env["Gateway__Management__ReadToken"]);

        var security = Map(spec["securityContext"]);
        Assert.Equal("true", security["runAsNonRoot"].ToString());
        Assert.Contains("USER $APP_UID", Dockerfile, StringComparison.Ordinal);
        Assert.Equal("1654", security["runAsUser"].ToString());
    }

    [Fact]
    public void TheBudgetAndServiceSelectThePodsAndKustomizeListsEveryFile()
    {
        var labels = Map(Map(Map(Map(Load(Path.Combine(Deploy, "kubernetes", "deployment.yaml"))["spec"])["template"])["metadata"])["labels"]);
        var pdb = Map(Load(Path.Combine(Deploy, "kubernetes", "pdb.yaml"))["spec"]);
        var service = Map(Load(Path.Combine(Deploy, "kubernetes", "service.yaml"))["spec"]);

        Assert.Equal(labels, Map(Map(pdb["selector"])["matchLabels"]));
        Assert.Equal(labels, Map(service["selector"]));
        Assert.Equal("http", Map(List(service["ports"]).Single())["targetPort"].ToString());
        var listed = List(Load(Path.Combine(Deploy, "kubernetes", "kustomization.yaml"))["resources"]).Select(r => r.ToString()).Order();
        var files = Directory.EnumerateFiles(Path.Combine(Deploy, "kubernetes"), "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order();
        Assert.Equal(files, listed);
    }

    /// <summary>Every configuration key an options class binds, plus the few keys read one by one.</summary>
    [GeneratedRegex(":[0-9]+$")]
    private static partial Regex ListIndex();

    private static HashSet<string> KnownSettings()
    {
        var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { GatewayHostingExtensions.ProxyConfigFileKey };
        foreach (var type in typeof(Program).Assembly.GetTypes())
        {
            if (type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() is string section)
            {
                foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
                {
                    known.Add($"{section}:{property.Name}");
                }
            }
        }

        return known;
    }

    private static IEnumerable<Dictionary<string, string>> Environments()
    {
        foreach (var service in Map(Load(Path.Combine(Deploy, "compose.yaml"))["services"]).Values.Select(Map).Where(s => s.ContainsKey("environment")))
        {
            yield return Strings(service["environment"]);
        }

        var container = Map(List(Map(Map(Map(Load(Path.Combine(Deploy, "kubernetes", "deployment.yaml"))["spec"])["template"])["spec"])["containers"]).Single());
        yield return List(container["env"]).Select(Map).ToDictionary(e => e["name"].ToString()!, _ => string.Empty);
    }

    private static string SecretFile(string reference)
    {
        Assert.StartsWith("file:", reference, StringComparison.Ordinal);
        return reference["file:".Length..];
    }

    private static string PublicPort() => ExposedPort().Match(Dockerfile).Groups[1].Value;

    private static string WorkDir() => WorkDirs().Matches(Dockerfile)[^1].Groups[1].Value;

    private static Dictionary<object, object> Load(string path) => (Dictionary<object, object>)new DeserializerBuilder().Build().Deserialize<object>(File.ReadAllText(path))!;

    private static Dictionary<string, object> Map(object node) => ((Dictionary<object, object>)node).ToDictionary(p => p.Key.ToString()!, p => p.Value);

    private static List<object> List(object node) => (List<object>)node;

    private static Dictionary<string, string> Strings(object node) => Map(node).ToDictionary(p => p.Key, p => p.Value.ToString()!);

    [GeneratedRegex(@"server gateway-\d+:(\d+)")]
    private static partial Regex UpstreamPorts();

    [GeneratedRegex(@"(?m)^EXPOSE (\d+)")]
    private static partial Regex ExposedPort();

    [GeneratedRegex(@"(?m)^WORKDIR (\S+)")]
    private static partial Regex WorkDirs();
}
