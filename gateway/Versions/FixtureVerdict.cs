namespace HaloIlertGateway.Versions;

/// <summary>One fixture case of a version, by name, and whether it passed when the version was recorded.</summary>
internal sealed record FixtureVerdict(string Name, bool Passed);
