using HaloIlertGateway.Scripting.Fixtures;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// One attempt to load a transform file: the compiled script, or the error that keeps it out; and its fixture
/// results. Only a script that compiled and passed every fixture may be activated.
/// </summary>
internal sealed record TransformLoadResult(string Name, string Path, CompiledTransform? Script, TransformLoadError? Error, IReadOnlyList<FixtureResult> Fixtures)
{
    public bool CanActivate => Script is not null && Error is null;
}
