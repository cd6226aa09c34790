using Acornima;
using Acornima.Ast;

namespace HaloIlertGateway.Scripting.Settings;

/// <summary>
/// Reads a transform's settings declaration from its syntax tree, without running it: the top-level
/// <c>const settings = { name: { list: [...] | text: "..." | pattern: "..." | map: {...}, anyCase?: true, about?: "..." }, ... }</c>.
/// Every default is a literal, so what the gateway reads is what ops read. A script without a top-level
/// <c>settings</c> has no declaration (its <c>context.settings</c> is the raw configuration, as before). A
/// <c>settings</c> that is not such an object is refused with its line and column.
/// </summary>
internal static class SettingsDeclarationReader
{
    public const string VariableName = "settings";

    private const string AnyCaseKey = "anyCase";
    private const string AboutKey = "about";

    private static readonly Dictionary<string, SettingKind> Kinds = new(StringComparer.Ordinal)
    {
        ["text"] = SettingKind.Text,
        ["list"] = SettingKind.List,
        ["pattern"] = SettingKind.Pattern,
        ["map"] = SettingKind.Map,
    };

    /// <summary>The declaration in <paramref name="source"/> (parsed here: for tests and the documentation check).</summary>
    public static SettingsDeclaration? Read(string source, string path) =>
        Read(new Parser().ParseScript(source, path, strict: true), path);

    /// <summary>The declaration of a parsed script, or null when it declares none. Throws <see cref="TransformCompilationException"/>.</summary>
    public static SettingsDeclaration? Read(Node program, string path)
    {
        if (program is not Acornima.Ast.Program { Body: var body })
        {
            return null;
        }

        foreach (var statement in body)
        {
            if (statement is not VariableDeclaration declaration)
            {
                continue;
            }

            foreach (var declarator in declaration.Declarations)
            {
                if (declarator.Id is Identifier { Name: VariableName })
                {
                    return declarator.Init is ObjectExpression settings
                        ? new SettingsDeclaration([.. settings.Properties.Select(property => ReadSetting(property, path))], Position(declarator).Line)
                        : throw Refuse(path, declarator, $"the top-level '{VariableName}' is the transform's settings declaration: write it as an object literal, {Example}");
                }
            }
        }

        return null;
    }

    private const string Example = """e.g. const settings = { highPriorities: { list: ["High"], anyCase: true, about: "priorities sent as HIGH" } }""";

    private static SettingDeclaration ReadSetting(Node node, string path)
    {
        if (node is not Property { Computed: false, Method: false, Shorthand: false, Kind: PropertyKind.Init } property || KeyName(property.Key) is not { } name)
        {
            throw Refuse(path, node, $"each member of '{VariableName}' is a setting written as name: {{ ... }}, {Example}");
        }

        if (property.Value is not ObjectExpression shape)
        {
            throw Refuse(path, property.Value, $"setting '{name}': write it as {{ list: [...] }}, {{ text: \"...\" }}, {{ pattern: \"...\" }} or {{ map: {{ ... }} }}, with about: \"what it means\"");
        }

        SettingDeclaration? setting = null;
        var anyCase = false;
        var about = string.Empty;
        foreach (var member in shape.Properties)
        {
            if (member is not Property { Computed: false, Method: false, Shorthand: false, Kind: PropertyKind.Init } part || KeyName(part.Key) is not { } key)
            {
                throw Refuse(path, member, $"setting '{name}': only list, text, pattern or map, anyCase and about may be written here");
            }

            if (key == AnyCaseKey)
            {
                anyCase = part.Value is BooleanLiteral flag ? flag.Value : throw Refuse(path, part.Value, $"setting '{name}': anyCase is true or false");
            }
            else if (key == AboutKey)
            {
                about = part.Value is StringLiteral text ? text.Value : throw Refuse(path, part.Value, $"setting '{name}': about is text");
            }
            else if (Kinds.TryGetValue(key, out var kind))
            {
                if (setting is not null)
                {
                    throw Refuse(path, part, $"setting '{name}': give one of list, text, pattern or map, not two");
                }

                setting = ReadDefault(name, kind, part.Value, path) with { Line = Position(property).Line, Column = Position(property).Column + 1 };
            }
            else
            {
                throw Refuse(path, part, $"setting '{name}': '{key}' is not a part of a setting (list, text, pattern or map, anyCase, about)");
            }
        }

        if (setting is null)
        {
            throw Refuse(path, shape, $"setting '{name}': give its kind and default: list: [...], text: \"...\", pattern: \"...\" or map: {{ ... }}");
        }

        if (anyCase && setting.Kind is not (SettingKind.List or SettingKind.Pattern))
        {
            throw Refuse(path, shape, $"setting '{name}': anyCase applies to a list or a pattern");
        }

        return setting with { AnyCase = anyCase, About = about };
    }

    private static SettingDeclaration ReadDefault(string name, SettingKind kind, Node value, string path)
    {
        var setting = new SettingDeclaration(name, kind, 0, 0);
        switch (kind)
        {
            case SettingKind.List when value is ArrayExpression array:
                return setting with { Items = [.. array.Elements.Select(item => item is StringLiteral text ? text.Value : throw Refuse(path, item ?? value, $"setting '{name}': each item of the list is text in quotes (\"8\", not 8)"))] };
            case SettingKind.Text when value is StringLiteral text:
                return setting with { Text = text.Value };
            case SettingKind.Pattern when value is StringLiteral pattern:
                return SettingsParser.DescribeInvalidPattern(pattern.Value) is { } invalid
                    ? throw Refuse(path, value, $"setting '{name}': {invalid}")
                    : setting with { Text = pattern.Value };
            case SettingKind.Map when value is ObjectExpression map:
                return setting with
                {
                    Entries = [.. map.Properties.Select(entry => entry is Property { Computed: false, Shorthand: false, Method: false, Value: StringLiteral text } property && KeyName(property.Key) is { } key
                        ? KeyValuePair.Create(key, text.Value)
                        : throw Refuse(path, entry, $"setting '{name}': each entry of the map is \"key\": \"text\""))],
                };
            default:
                throw Refuse(path, value, $"setting '{name}': the default of a {kind.ToString().ToLowerInvariant()} is {DefaultShape(kind)}");
        }
    }

    private static string DefaultShape(SettingKind kind) => kind switch
    {
        SettingKind.List => "an array of text, e.g. [\"8\", \"9\"] or []",
        SettingKind.Map => "an object of text, e.g. { \"id\": \"name\" } or {}",
        _ => "text in quotes, e.g. \"\"",
    };

    private static string? KeyName(Node key) => key switch
    {
        Identifier identifier => identifier.Name,
        StringLiteral text => text.Value,
        _ => null,
    };

    private static Position Position(Node node) => node.Location.Start;

    private static TransformCompilationException Refuse(string path, Node node, string reason) =>
        new(path, reason, node.Location.Start.Line, node.Location.Start.Column + 1);
}
