namespace HaloIlertGateway.Scripting.Settings;

/// <summary>What a declared setting holds, named by the key that gives its default in the script's declaration.</summary>
internal enum SettingKind
{
    /// <summary><c>{ text: "..." }</c>: one line of text; <c>{route}</c> in it stands for the route's id.</summary>
    Text,

    /// <summary><c>{ list: ["...", ...] }</c>: text items, from an array or text separated by commas; optionally matched in any case.</summary>
    List,

    /// <summary><c>{ pattern: "..." }</c>: a regular expression, compiled once; optionally matching in any case.</summary>
    Pattern,

    /// <summary><c>{ map: { "key": "text", ... } }</c>: names for keys, e.g. a group's name for its id.</summary>
    Map,
}
