namespace HaloIlertGateway.Scripting.Settings;

/// <summary>Why a setting's configured value was refused: the setting's name and the reason. Never the value itself.</summary>
internal sealed record SettingProblem(string Setting, string Reason);
