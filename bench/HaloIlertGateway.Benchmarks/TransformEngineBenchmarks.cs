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

    [Params("new-ticket", "status-in-progress", "ticket-resolved", "ticket-closed", "low-priority-unassigned")]
    public string Sample { get; set; } = "new-ticket";

    [GlobalSetup]
    public void Setup()
    {
        _script = BenchmarkInputs.HaloPsa();
        var parameters = new Dictionary<string, string> { ["integrationKey"] = "il1hps-benchmark-key" };
        _request = new IncomingRequest("POST", "/api/v1/events/halopsa/il1hps-benchmark-key", new Dictionary<string, string>(),
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["content-type"] = "application/json", ["host"] = "gateway" },
            parameters, TransformBody.Json(BenchmarkInputs.SampleBody(Sample)));
        _context = new TransformContext("halopsa", DateTimeOffset.UtcNow, ReadOnlyMemory<byte>.Empty, TransformContract.SecretParams(parameters));
    }

    [Benchmark]
    public object ParseRunSerialize() => BenchmarkInputs.Runner.Run(_script, _request, _context);
}
