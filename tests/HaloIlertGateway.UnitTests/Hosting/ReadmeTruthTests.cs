using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.UnitTests.Hosting;

/// <summary>The documents' tables held to the code: README's tool table to proxy.json, docs/configuration.md's table to the options classes.</summary>
public sealed partial class ReadmeTruthTests
{
    /// <summary>Options sections whose every setting the configuration table (docs/configuration.md) lists, with its default.</summary>
    private static readonly string[] DocumentedSections = ["Gateway:Scripting", "Gateway:Delivery", "Gateway:Store", "Gateway:Management", "Gateway:Warmup", "Gateway:Logging"];

    private static readonly string Readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));

    private static readonly string Configuration = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "configuration.md"));

    [Fact]
    public void TheToolTableListsEveryAlertRouteWithItsPathAndTransform()
    {
        var routes = JsonNode.Parse(File.ReadAllText(RepositoryPaths.ProxyConfig))!["ReverseProxy"]!["Routes"]!.AsObject()
            .Where(route => route.Value!["Transforms"] is JsonArray)
            .ToList();
        var matches = ToolRows().Matches(Readme);
        var rows = matches.Select(m => (Path: m.Groups[1].Value, Transform: m.Groups[3].Value)).ToList();

        Assert.Equal(routes.Count, rows.Count);
        // A signature check the table names is one the gateway has.
        foreach (var check in matches.Select(m => m.Groups[2].Value).Where(cell => cell.StartsWith('`')))
        {
            Assert.True(Enum.TryParse<HaloIlertGateway.Security.InboundAuthKind>(check.Split('`')[1], out _), check);
        }

        foreach (var (name, route) in routes)
        {
            var path = route!["Match"]!["Path"]!.GetValue<string>();
            var transform = route["Transforms"]!.AsArray().Select(t => t!["JsTransform"]?.GetValue<string>()).OfType<string>().Single();
            Assert.Contains((path, transform + ".js"), rows);
            Assert.Equal("Durable", route["Metadata"]?["Delivery"]?.GetValue<string>());
        }
    }

    [Fact]
    public void EverySettingOfTheDocumentedSectionsIsInTheTableWithItsDefault()
    {
        var table = ConfigRows().Matches(Configuration).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim(), StringComparer.OrdinalIgnoreCase);
        var checkedDefaults = 0;

        foreach (var (section, type) in OptionsTypes().Where(pair => DocumentedSections.Contains(pair.Key)))
        {
            var defaults = Activator.CreateInstance(type)!;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                var key = $"{section}:{property.Name}";
                Assert.True(table.TryGetValue(key, out var documented), $"docs/configuration.md has no row for {key}");
                if (Parse(documented!, property.PropertyType) is { } parsed)
                {
                    Assert.True(Equals(parsed.Value, property.GetValue(defaults)), $"docs/configuration.md says {key} defaults to {documented}; the code says {property.GetValue(defaults)}");
                    checkedDefaults++;
                }
            }
        }

        Assert.True(checkedDefaults > 30, $"only {checkedDefaults} defaults could be read from docs/configuration.md");
    }

    [Fact]
    public void EveryGatewaySettingInTheTableIsOneTheGatewayReads()
    {
        var sections = OptionsTypes();
        foreach (Match row in ConfigRows().Matches(Configuration))
        {
            var key = row.Groups[1].Value;
            var section = string.Join(':', key.Split(':').Take(2));
            if (key.Contains('<', StringComparison.Ordinal) || !sections.TryGetValue(section, out var type))
            {
                continue;
            }

            Assert.True(type.GetProperty(key.Split(':')[2]) is { CanWrite: true }, $"docs/configuration.md lists {key}, which {type.Name} does not have");
        }
    }

    /// <summary>The default as README writes it, as a value of <paramref name="type"/>; null when it is prose.</summary>
    private static (object? Value, bool _)? Parse(string text, Type type)
    {
        var plain = text.Trim('`');
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (plain == "none")
        {
            return (null, true);
        }

        if (target == typeof(bool) && bool.TryParse(plain, out var flag))
        {
            return (flag, true);
        }

        if (target.IsEnum && Enum.TryParse(target, plain, out var member))
        {
            return (member, true);
        }

        if (target == typeof(string) && text.StartsWith('`') && text.EndsWith('`'))
        {
            return (plain, true);
        }

        if (target == typeof(TimeSpan))
        {
            if (TimeSpan.TryParse(plain.Split(' ')[0], CultureInfo.InvariantCulture, out var span) && plain.Contains(':', StringComparison.Ordinal))
            {
                return (span, true);
            }

            var unit = UnitSpan().Match(text);
            return unit.Success
                ? (TimeSpan.FromSeconds(double.Parse(unit.Groups[1].Value, CultureInfo.InvariantCulture) * (unit.Groups[2].Value switch { "min" => 60, "h" => 3600, _ => 1 })), true)
                : null;
        }

        var number = Number().Match(text);
        if (number.Success && (target == typeof(int) || target == typeof(long)))
        {
            var value = long.Parse(number.Groups[1].Value.Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);
            return (target == typeof(int) ? (object)(int)value : value, true);
        }

        return null;
    }

    private static Dictionary<string, Type> OptionsTypes() => typeof(Program).Assembly.GetTypes()
        .Where(type => type.GetConstructor(Type.EmptyTypes) is not null)
        .Select(type => (type, section: type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string))
        .Where(pair => pair.section is not null)
        .ToDictionary(pair => pair.section!, pair => pair.type);

    [GeneratedRegex(@"^\| `(Gateway:[A-Za-z]+:[A-Za-z<>:]+)`(?:, `?[A-Za-z]+`?)? \| ([^|]+) \|", RegexOptions.Multiline)]
    private static partial Regex ConfigRows();

    [GeneratedRegex(@"^\| [^|]+ \| `(/api/v1/events/[a-z]+/\{integrationKey\})`[^|]* \| [^|]+ \| ([^|]+) \| `([a-z]+\.js)`", RegexOptions.Multiline)]
    private static partial Regex ToolRows();

    [GeneratedRegex(@"^([\d,]+)")]
    private static partial Regex Number();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?) (s|min|h)\b")]
    private static partial Regex UnitSpan();
}
