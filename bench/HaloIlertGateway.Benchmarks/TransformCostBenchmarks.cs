using BenchmarkDotNet.Attributes;
using HaloIlertGateway.Scripting;

namespace HaloIlertGateway.Benchmarks;

/// <summary>
/// What a HaloPSA event costs in the engine, taken apart side by side in one run: <c>identity</c> (a script that returns
/// the request: marshalling only), <c>halopsa</c> (the shipped script, helpers in C#) and <c>halopsa-js-helpers</c> (the
/// same script with the same helpers interpreted: <c>bench/nginx/gw.js</c>, as the njs peer runs them). Beside them,
/// <c>connectwise</c> on its fixture's first case: a callback whose ticket is a JSON string the script parses.
/// </summary>
[MemoryDiagnoser]
public class TransformCostBenchmarks
{
    private CompiledTransform _script = null!;
    private IncomingRequest _request = null!;
    private TransformContext _context = null!;

    [Params("identity", "halopsa", "halopsa-js-helpers", "connectwise")]
    public string Script { get; set; } = "halopsa";

    [GlobalSetup]
    public void Setup()
    {
        _script = Script switch
        {
            "identity" => BenchmarkInputs.Compile("identity", "function transform(request) { return request; }"),
            "connectwise" => BenchmarkInputs.Compile("connectwise", File.ReadAllText(Path.Combine(BenchmarkInputs.Repository, "transforms", "connectwise.js"))),
            "halopsa-js-helpers" => BenchmarkInputs.Compile("halopsa", BenchmarkInputs.WithJavaScriptHelpers(File.ReadAllText(Path.Combine(BenchmarkInputs.Repository, "transforms", "halopsa.js")))),
            _ => BenchmarkInputs.HaloPsa(),
        };
        (_request, _context) = Script == "connectwise"
            ? BenchmarkInputs.FixtureRequest("connectwise", "an added ticket opens a HIGH alert")
            : BenchmarkInputs.HaloPsaRequest("new-ticket");
        if (Run() is not TransformOutcome.Forward)
        {
            throw new InvalidOperationException($"{Script} does not forward its sample: nothing would be measured.");
        }
    }

    [Benchmark]
    public object Run() => BenchmarkInputs.Runner.Run(_script, _request, _context);
}
