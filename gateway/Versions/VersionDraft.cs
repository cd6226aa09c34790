using HaloIlertGateway.Scripting;

namespace HaloIlertGateway.Versions;

/// <summary>
/// A version about to be recorded: everything but its number and time, which the store gives it. <see cref="Settings"/>
/// is proxy.json's settings of the transform now, recorded when the content has no settings published with it.
/// </summary>
internal sealed record VersionDraft(
    string Name, TransformContent Content, string? Settings, string Author, string Message, string Origin, IReadOnlyList<FixtureVerdict> FixtureResult);
