using BenchmarkDotNet.Attributes;
using HaloIlertGateway.Scripting;

namespace HaloIlertGateway.Benchmarks;

/// <summary>
/// What a HaloPSA event costs in the engine, taken apart side by side in one run: <c>identity</c> (a script that returns
/// the request: marshalling only), <c>halopsa</c> (the shipped script, helpers in C#) and <c>halopsa-js-helpers</c> (the
/// same script with the same helpers interpreted: <c>bench/nginx/gw.js</c>, as the njs peer runs them).
/// </summary>
[MemoryDiagnoser]
public class TransformCostBenchmarks
{
    private CompiledTransform _script = null!;
    private IncomingRequest _request = null!;
    private TransformContext _context = null!;

    [Params("identity", "halopsa", "halopsa-js-helpers")]
    public string Script { get; set; } = "halopsa";

    [GlobalSetup]
    public void Setup()
    {
        _script = Script switch
        {
            "identity" => BenchmarkInputs.Compile("identity", "function transform(request) { return request; }"),
            "halopsa-js-helpers" => BenchmarkInputs.Compile("halopsa", BenchmarkInputs.WithJavaScriptHelpers(File.ReadAllText(Path.Combine(BenchmarkInputs.Repository, "transforms", "halopsa.js")))),
            _ => BenchmarkInputs.HaloPsa(),
        };
        (_request, _context) = BenchmarkInputs.HaloPsaRequest("new-ticket");
    }

    [Benchmark]
    public object Run() => BenchmarkInputs.Runner.Run(_script, _request, _context);
}
