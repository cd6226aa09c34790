using System.Text.Json;
using Acornima;

namespace HaloIlertGateway.Scripting.Settings;

/// <summary>
/// Parses a transform's configured settings (the UTF-8 JSON that configuration gives: text, arrays of text, objects)
/// against its declaration, once per settings change: lists as trimmed items without empty ones (from an array, or
/// text separated by commas), text trimmed with <c>{route}</c> replaced by the route's id, patterns checked, maps
/// of text. A setting not given, null or blank (an empty list arrives as not given) takes its default. A value of
/// the wrong kind, and a setting the transform does not declare, is a <see cref="SettingProblem"/>; no value is
/// ever quoted in one.
/// </summary>
internal static class SettingsParser
{
    public const string RoutePlaceholder = "{route}";

    /// <summary>Every declared setting's value for <paramref name="route"/>; <paramref name="problems"/> lists what was refused (those take their default).</summary>
    public static IReadOnlyList<SettingValue> Parse(SettingsDeclaration declaration, ReadOnlySpan<byte> json, string route, out IReadOnlyList<SettingProblem> problems)
    {
        var found = new List<SettingProblem>();
        var given = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        using var document = json.IsEmpty ? null : JsonDocument.Parse(json.ToArray());
        if (document?.RootElement is { ValueKind: JsonValueKind.Object } root)
        {
            foreach (var member in root.EnumerateObject())
            {
                if (declaration.Find(member.Name) is null)
                {
                    found.Add(new SettingProblem(member.Name, $"the transform declares no such setting (its settings: {declaration.Names})"));
                }
                else
                {
                    given[member.Name] = member.Value;
                }
            }
        }

        var values = new List<SettingValue>(declaration.Settings.Count);
        foreach (var setting in declaration.Settings)
        {
            var value = given.TryGetValue(setting.Name, out var element) ? Read(setting, element, found) : null;
            values.Add(value ?? Default(setting));
        }

        problems = found;
        return [.. values.Select(value => value.Declaration.Kind == SettingKind.Text ? value with { Text = value.Text.Replace(RoutePlaceholder, route, StringComparison.Ordinal) } : value)];
    }

    /// <summary>Why <paramref name="pattern"/> is not a regular expression a script can use, or null when it is one. Never quotes it.</summary>
    public static string? DescribeInvalidPattern(string pattern)
    {
        if (Tokenizer.ValidateRegExp(pattern, string.Empty, out var error, EcmaVersion.Latest, ExperimentalESFeatures.None))
        {
            return null;
        }

        // Acornima's description quotes the pattern ("Invalid regular expression: /(/: Unterminated group"): keep the reason.
        var reason = error?.Description is { } description && description.LastIndexOf(": ", StringComparison.Ordinal) is var at and >= 0
            ? description[(at + 2)..]
            : "it does not parse";
        return $"not a valid regular expression ({reason})";
    }

    private static SettingValue Default(SettingDeclaration setting) =>
        new(setting) { Text = setting.Text, Items = setting.Items, Entries = setting.Entries };

    /// <summary>The value, or null for "not given" (the default applies) and for a refused one (with its problem added).</summary>
    private static SettingValue? Read(SettingDeclaration setting, JsonElement element, List<SettingProblem> problems)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        switch (setting.Kind)
        {
            case SettingKind.List when element.ValueKind == JsonValueKind.Array:
                var items = new List<string>();
                foreach (var (item, index) in element.EnumerateArray().Select((item, index) => (item, index)))
                {
                    if (item.ValueKind == JsonValueKind.Null)
                    {
                        continue;
                    }

                    if (item.ValueKind != JsonValueKind.String)
                    {
                        problems.Add(new SettingProblem(setting.Name, $"item {index} of the list is {Describe(item)}, not text"));
                        return null;
                    }

                    items.Add(item.GetString()!.Trim());
                }

                return new SettingValue(setting) { Items = [.. items.Where(item => item.Length > 0)] };
            case SettingKind.List when element.ValueKind == JsonValueKind.String:
                var list = element.GetString()!;
                return list.Trim().Length == 0 ? null : new SettingValue(setting) { Items = [.. list.Split(',').Select(item => item.Trim()).Where(item => item.Length > 0)] };
            case SettingKind.Text when element.ValueKind == JsonValueKind.String:
                var text = element.GetString()!.Trim();
                return text.Length == 0 ? null : new SettingValue(setting) { Text = text };
            case SettingKind.Pattern when element.ValueKind == JsonValueKind.String:
                var pattern = element.GetString()!;
                if (pattern.Trim().Length == 0)
                {
                    return null;
                }

                if (DescribeInvalidPattern(pattern) is { } invalid)
                {
                    problems.Add(new SettingProblem(setting.Name, invalid));
                    return null;
                }

                return new SettingValue(setting) { Text = pattern };
            case SettingKind.Map when element.ValueKind == JsonValueKind.Object:
                var entries = new List<KeyValuePair<string, string>>();
                foreach (var entry in element.EnumerateObject())
                {
                    if (entry.Value.ValueKind != JsonValueKind.String)
                    {
                        problems.Add(new SettingProblem(setting.Name, $"the entry '{entry.Name}' is {Describe(entry.Value)}, not text"));
                        return null;
                    }

                    entries.Add(KeyValuePair.Create(entry.Name, entry.Value.GetString()!));
                }

                return new SettingValue(setting) { Entries = entries };
            default:
                problems.Add(new SettingProblem(setting.Name, $"{Expected(setting.Kind)} is expected, not {Describe(element)}"));
                return null;
        }
    }

    private static string Expected(SettingKind kind) => kind switch
    {
        SettingKind.List => "a list (an array of text, or text separated by commas)",
        SettingKind.Pattern => "a regular expression (text)",
        SettingKind.Map => "an object of names to text",
        _ => "text",
    };

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "text",
        _ => "a " + element.ValueKind.ToString().ToLowerInvariant(),
    };
}
