namespace HaloIlertGateway.Scripting.Settings;

/// <summary>
/// A declared setting's value for one route: what proxy.json gives, parsed, or the default where it gives nothing.
/// <see cref="Text"/> holds a text or pattern, <see cref="Items"/> a list, <see cref="Entries"/> a map.
/// </summary>
internal sealed record SettingValue(SettingDeclaration Declaration)
{
    public string Text { get; init; } = string.Empty;

    public IReadOnlyList<string> Items { get; init; } = [];

    public IReadOnlyList<KeyValuePair<string, string>> Entries { get; init; } = [];
}
