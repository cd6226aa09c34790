using HaloIlertGateway.Scripting.Fixtures;

namespace HaloIlertGateway.Scripting;

/// <summary>A version of a transform that went live from its file: what the version record keeps of it.</summary>
internal sealed record TransformActivation(string Name, string Path, TransformContent Content, IReadOnlyList<FixtureResult> Fixtures);
