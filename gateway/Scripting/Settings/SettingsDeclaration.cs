namespace HaloIlertGateway.Scripting.Settings;

/// <summary>
/// The settings a transform declares at its top (<c>const settings = { ... }</c>, read by
/// <see cref="SettingsDeclarationReader"/>), in the order written: each one's kind, default and meaning, written
/// once. The gateway gives the script <c>context.settings</c> parsed against it (<see cref="SettingsParser"/>).
/// </summary>
internal sealed class SettingsDeclaration(IReadOnlyList<SettingDeclaration> settings, int line)
{
    /// <summary>The declared settings, in the order written.</summary>
    public IReadOnlyList<SettingDeclaration> Settings { get; } = settings;

    /// <summary>The 1-based line of the declaration in the script.</summary>
    public int Line { get; } = line;

    /// <summary>The declared names, for messages: "a, b, c".</summary>
    public string Names => string.Join(", ", Settings.Select(setting => setting.Name));

    public SettingDeclaration? Find(string name) => Settings.FirstOrDefault(setting => string.Equals(setting.Name, name, StringComparison.Ordinal));
}
