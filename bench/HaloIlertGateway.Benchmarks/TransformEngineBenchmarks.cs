using BenchmarkDotNet.Attributes;
using HaloIlertGateway.Scripting;

namespace HaloIlertGateway.Benchmarks;

/// <summary>The transform engine on each HaloPSA sample: parse the body into JS, run halopsa.js, serialize the event.</summary>
[MemoryDiagnoser]
public class TransformEngineBenchmarks
{
    private CompiledTransform _script = null!;
    private IncomingRequest _request = null!;
    private TransformContext _context = null!;

    [Params("new-ticket", "status-in-progress", "ticket-resolved", "ticket-closed", "low-priority-unassigned", "full-payload")]
    public string Sample { get; set; } = "new-ticket";

    [GlobalSetup]
    public void Setup()
    {
        _script = BenchmarkInputs.HaloPsa();
        (_request, _context) = BenchmarkInputs.HaloPsaRequest(Sample);
    }

    [Benchmark]
    public object ParseRunSerialize() => BenchmarkInputs.Runner.Run(_script, _request, _context);
}
