namespace HaloIlertGateway.Tests.Infrastructure;

/// <summary>
/// Tests that assert a deadline (a reload live within 2 s, pacing measured from arrival times) run in this
/// collection: alone, not beside the rest of the suite competing for the machine's two cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingTests
{
    public const string Name = "Timing";
}
