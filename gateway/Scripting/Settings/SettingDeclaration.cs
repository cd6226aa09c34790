namespace HaloIlertGateway.Scripting.Settings;

/// <summary>
/// One setting a transform declares: its name, kind, default and what it means, and where the script declares it
/// (1-based line and column). The default is in <see cref="Text"/> (text, pattern), <see cref="Items"/> (list) or
/// <see cref="Entries"/> (map).
/// </summary>
internal sealed record SettingDeclaration(string Name, SettingKind Kind, int Line, int Column)
{
    /// <summary>A list's items, or a pattern's text, match in any case (<c>anyCase: true</c>). Default false.</summary>
    public bool AnyCase { get; init; }

    /// <summary>What the setting means, for people (<c>about: "..."</c>). Default empty.</summary>
    public string About { get; init; } = string.Empty;

    /// <summary>The default of a text or pattern setting.</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>The default of a list setting.</summary>
    public IReadOnlyList<string> Items { get; init; } = [];

    /// <summary>The default of a map setting, in the order written.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Entries { get; init; } = [];
}
