using System.Text;
using BenchmarkDotNet.Attributes;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Scripting.Sandbox;
using Jint;
using Jint.Native;
using Jint.Native.Json;

namespace HaloIlertGateway.Benchmarks;

/// <summary>
/// The parts of a run around the script, each alone on the HaloPSA sample: the body parsed into the engine, the
/// returned body written out (the whole ticket, and an event-sized object), an empty call into the engine, and the
/// run's time limit being armed and reset.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet needs an unsealed class; the engine is disposed in GlobalCleanup.
public class MarshallingBenchmarks
{
    private Engine _engine = null!;
    private JsonParser _parser = null!;
    private byte[] _body = null!;
    private JsValue _ticket = null!;
    private JsValue _event = null!;
    private JsValue _identity = null!;
    private RunDeadline _deadline = null!;
    private readonly StringBuilder _text = new(4096);

    [GlobalSetup]
    public void Setup()
    {
        var sandbox = JintSandbox.Create(new ScriptingOptions());
        _engine = new Engine(sandbox.Options);
        _deadline = _engine.Constraints.Find<RunDeadline>()!;
        _parser = new JsonParser(_engine);
        _body = BenchmarkInputs.SampleBody("new-ticket");
        _ticket = _parser.Parse(_body);
        _event = _parser.Parse("""{"integrationKey":"il1hps-benchmark-key","eventType":"ALERT","summary":"#10234 Exchange server not responding at Contoso HQ (Contoso Ltd)","details":"Users report Outlook disconnected since 09:12.\nPing to EXCH01 times out.","alertKey":"halopsa-10234","priority":"HIGH","customDetails":{"ticketId":10234,"client":"Contoso Ltd","site":"Head Office","team":"Infrastructure","agent":"Jane Doe","ticketType":"Incident","status":"New","priority":"Critical"}}"""u8);
        _engine.Execute("function identity(request, context) { return request; }");
        _identity = _engine.GetValue("identity");
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.Dispose();

    /// <summary>The body as the engine gives it to a script (<see cref="LazyJsonObject"/>: its members are made when read; <see cref="BodyReadBenchmarks"/> compares it with Jint's JSON.parse).</summary>
    [Benchmark]
    public JsValue ParseBody() => LazyJsonObject.Parse(_engine, _body, 64);

    [Benchmark]
    public byte[]? WriteTicket() => new BoundedJsonWriter(_engine, 4 * 1024 * 1024, "the returned body", _text).WriteUtf8(_ticket, PropertyNames.IntegrationKey, PropertyNames.AlertKey, out _);

    [Benchmark]
    public byte[]? WriteEvent() => new BoundedJsonWriter(_engine, 4 * 1024 * 1024, "the returned body", _text).WriteUtf8(_event, PropertyNames.IntegrationKey, PropertyNames.AlertKey, out _);

    [Benchmark]
    public JsValue CallIdentity()
    {
        _deadline.Arm(TimeSpan.FromMilliseconds(250));
        _engine.Constraints.Reset();
        try
        {
            return _engine.Call(_identity, _ticket, JsValue.Undefined);
        }
        finally
        {
            _deadline.Disarm();
        }
    }

    [Benchmark]
    public TimeSpan? ThreadCpu() => ThreadCpuTime.Current();
}
