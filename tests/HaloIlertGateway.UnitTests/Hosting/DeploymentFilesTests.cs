using System.Reflection;
using System.Text.RegularExpressions;
using HaloIlertGateway.Hosting;
using HaloIlertGateway.Tests.Infrastructure;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace HaloIlertGateway.UnitTests.Hosting;

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
        Assert.All(services, service => Assert.Equal("unless-stopped", Map(service.Value).GetValueOrDefault("restart")?.ToString()));
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

    [Fact]
    public void TheBalancerEndsTlsWithAMountedCertificateAndPublishesNoPlainHttp()
    {
        var balancer = Map(Map(Load(Path.Combine(Deploy, "compose.yaml"))["services"])["balancer"]);
        var nginx = File.ReadAllText(Path.Combine(Deploy, "nginx.conf"));
        var listens = NginxListens().Matches(nginx).Select(m => (Port: m.Groups[1].Value, Tls: m.Groups[2].Success)).ToList();
        var mounts = List(balancer["volumes"]).Select(v => v.ToString()!.Split(':')).ToDictionary(v => v[1], v => v[0]);

        Assert.NotEmpty(listens);
        Assert.All(listens, listen => Assert.True(listen.Tls, $"nginx listens on {listen.Port} without TLS"));
        var published = List(balancer["ports"]).Select(p => p.ToString()!.Split(':')).ToList();
        Assert.All(published, port => Assert.Contains(port[^1], listens.Select(l => l.Port)));
        Assert.Contains(published, port => port[^2] == "443");
        foreach (var file in NginxCertificates().Matches(nginx).Select(m => m.Groups[1].Value))
        {
            // Each certificate file sits in a folder mounted from the repository's deploy/ (git-ignored, never committed).
            var folder = Path.GetDirectoryName(file)!;
            Assert.True(mounts.TryGetValue(folder, out var source), $"{folder} is not mounted into the balancer");
            Assert.Contains(Path.GetFileName(source.TrimEnd('/')) + "/", File.ReadAllText(Path.Combine(RepositoryPaths.Root, ".gitignore")), StringComparison.Ordinal);
        }

        Assert.Equal(2, NginxCertificates().Count(nginx));
        Assert.Contains("Plain HTTP is not published", File.ReadAllText(Path.Combine(Deploy, "compose.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public void EachGatewaysManagementPortIsPublishedOnTheHostsLoopbackOnlyAndItsPublicPortNotAtAll()
    {
        var gateways = Map(Load(Path.Combine(Deploy, "compose.yaml"))["services"]).Where(s => s.Key.StartsWith("gateway", StringComparison.Ordinal)).Select(s => Map(s.Value)).ToList();
        var hostPorts = new List<string>();

        foreach (var gateway in gateways)
        {
            var env = Strings(gateway["environment"]);
            var management = new Uri(env["Gateway__Management__Urls"].Replace("+", "localhost", StringComparison.Ordinal)).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var published = List(gateway["ports"]).Select(p => p.ToString()!.Split(':')).ToList();
            var port = Assert.Single(published);
            Assert.Equal(["127.0.0.1", port[1], management], port);
            Assert.True(env.ContainsKey("Gateway__Management__Token"), "a management port reached from outside the container needs the token");
            hostPorts.Add(port[1]);
        }

        Assert.Equal(hostPorts.Count, hostPorts.Distinct().Count());
    }

    [Fact]
    public void TheImageIsNamedInKustomizeAsTheHeaderBuildsAndPushesIt()
    {
        var header = File.ReadAllText(Path.Combine(Deploy, "kubernetes", "deployment.yaml"));
        var container = Map(List(Map(Map(Map(Load(Path.Combine(Deploy, "kubernetes", "deployment.yaml"))["spec"])["template"])["spec"])["containers"]).Single());
        var image = container["image"].ToString()!;
        var named = Map(List(Load(Path.Combine(Deploy, "kubernetes", "kustomization.yaml"))["images"]).Single());
        var pushed = $"{named["newName"]}:{named["newTag"]}";

        Assert.DoesNotContain(':', image);
        Assert.Equal(image, named["name"].ToString());
        Assert.Contains($"docker build -t {pushed} .", header, StringComparison.Ordinal);
        Assert.Contains($"docker push {pushed}", header, StringComparison.Ordinal);
        Assert.Contains($"kustomize edit set image {image}={pushed}", header, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTransformsConfigMapIsPolledAndItsUpdateRecipeNamesTheMountedMap()
    {
        var path = Path.Combine(Deploy, "kubernetes", "deployment.yaml");
        var spec = Map(Map(Map(Load(path)["spec"])["template"])["spec"]);
        var container = Map(List(spec["containers"]).Single());
        var env = List(container["env"]).Select(Map).Where(e => e.ContainsKey("value")).ToDictionary(e => e["name"].ToString()!, e => e["value"].ToString()!);
        var transforms = List(container["volumeMounts"]).Select(Map).Single(m => m["mountPath"].ToString() == $"{WorkDir()}/transforms")["name"].ToString();
        var configMap = Map(List(spec["volumes"]).Select(Map).Single(v => v["name"].ToString() == transforms)["configMap"])["name"].ToString();

        Assert.Equal("true", env["DOTNET_USE_POLLING_FILE_WATCHER"]);
        Assert.Contains($"kubectl create configmap {configMap} --from-file=transforms/ --dry-run=client -o yaml | kubectl apply -f -", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public void PrometheusScrapesTheManagementPortsMetricsWithTheReadOnlyToken()
    {
        var job = Map(List(Load(Path.Combine(Deploy, "prometheus", "scrape-gateway.yaml"))["scrape_configs"]).Single());
        var deployment = Load(Path.Combine(Deploy, "kubernetes", "deployment.yaml"));
        var template = Map(Map(deployment["spec"])["template"]);
        var container = Map(List(Map(template["spec"])["containers"]).Single());
        var keeps = List(job["relabel_configs"]).Select(Map).Where(r => r.TryGetValue("action", out var action) && action.ToString() == "keep")
            .ToDictionary(r => List(r["source_labels"]).Single().ToString()!, r => r["regex"].ToString());
        var authorization = Map(job["authorization"]);

        Assert.Contains(job["metrics_path"].ToString(), HaloIlertGateway.Admin.ManagementSignIn.ProbePaths);
        Assert.Equal("Bearer", authorization["type"].ToString());
        Assert.True(authorization.ContainsKey("credentials_file") && !authorization.ContainsKey("credentials"), "the token comes from a file, not the scrape config");
        Assert.Equal(Map(Map(template["metadata"])["labels"])["app"].ToString(), keeps["__meta_kubernetes_pod_label_app"]);
        Assert.Contains(keeps["__meta_kubernetes_pod_container_port_name"], List(container["ports"]).Select(p => Map(p)["name"].ToString()));
        Assert.Equal("management", keeps["__meta_kubernetes_pod_container_port_name"]);
        var discovery = Map(List(job["kubernetes_sd_configs"]).Single());
        Assert.NotEmpty(List(Map(discovery["namespaces"])["names"]));
        var readToken = List(container["env"]).Select(Map).Single(e => e["name"].ToString() == "Gateway__Management__ReadToken");
        Assert.Equal("read-token", Map(Map(readToken["valueFrom"])["secretKeyRef"])["key"].ToString());
    }

    [GeneratedRegex(@"(?m)^\s*listen (\d+)( ssl)?;")]
    private static partial Regex NginxListens();

    [GeneratedRegex(@"(?m)^\s*ssl_certificate(?:_key)? (\S+);")]
    private static partial Regex NginxCertificates();

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

    /// <summary>A YAML file as maps and lists, merge keys (<c>&lt;&lt;: *gateway</c>) applied as compose applies them.</summary>
    private static Dictionary<object, object> Load(string path)
    {
        using var reader = new StringReader(File.ReadAllText(path));
        return (Dictionary<object, object>)new DeserializerBuilder().Build().Deserialize<object>(new MergingParser(new Parser(reader)))!;
    }

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
