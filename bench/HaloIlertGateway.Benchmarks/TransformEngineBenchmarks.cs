using BenchmarkDotNet.Attributes;
using HaloIlertGateway.Scripting;

namespace HaloIlertGateway.Benchmarks;

/// <summary>
/// The transform engine on each HaloPSA sample: parse the body into JS, run halopsa.js, serialize the event. Side by side
/// in one run: halopsa.js as it was at 79d37df (a settings cache of its own, <c>gw.keySet</c> and <c>in</c>;
/// <c>Baselines/halopsa-79d37df.js</c>) and as shipped now (its settings declared, parsed by the gateway, read with
/// <c>has</c>), both with the settings the halopsa route runs with from the shipped proxy.json.
/// </summary>
[MemoryDiagnoser]
public class TransformEngineBenchmarks
{
    private CompiledTransform _script = null!;
    private IncomingRequest _request = null!;
    private TransformContext _context = null!;

    [Params("79d37df", "declared")]
    public string Script { get; set; } = "declared";

    [Params("new-ticket", "status-in-progress", "ticket-resolved", "ticket-closed", "low-priority-unassigned", "full-payload")]
    public string Sample { get; set; } = "new-ticket";

    [GlobalSetup]
    public void Setup()
    {
        _script = Script == "declared" ? BenchmarkInputs.HaloPsa() : BenchmarkInputs.HaloPsaBaseline(Script);
        (_request, _) = BenchmarkInputs.HaloPsaRequest(Sample);
        _context = BenchmarkInputs.HaloPsaRouteContext(_request);
    }

    [Benchmark]
    public object ParseRunSerialize() => BenchmarkInputs.Runner.Run(_script, _request, _context);
}
