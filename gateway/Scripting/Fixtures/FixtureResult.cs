namespace HaloIlertGateway.Scripting.Fixtures;

/// <summary>One case's verdict: <see cref="Failure"/> is null when it passed, else says what differed.</summary>
internal sealed record FixtureResult(string Name, string? Failure, TransformOutcome Outcome)
{
    public bool Passed => Failure is null;
}
