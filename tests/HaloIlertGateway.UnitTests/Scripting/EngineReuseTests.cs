using System.Text;
using System.Text.Json.Nodes;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Scripting.Sandbox;
using HaloIlertGateway.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.UnitTests.Scripting;

/// <summary>
/// An engine whose script threw goes back to the pool whole: the next run on it has its whole statement budget and
/// working helpers. An engine a limit stopped is never used again.
/// </summary>
public sealed class EngineReuseTests
{
    // A loop of 2,000 fits the budget of 3,000 statements and two do not: a count carried over from the failed run
    // would stop the next one. The time limit is the largest allowed, so that only the count is under test.
    private static readonly ScriptingOptions Limits = new() { MaxStatements = 3_000, TimeoutMilliseconds = 10_000 };

    private static CompiledTransform Script(string failure) => CompiledTransform.Compile("reuse", "reuse.js", $$"""
        let runs = 0;
        function transform(request) {
          runs++;
          if (request.body.fail) {
            {{failure}}
          }
          let n = 0;
          for (let i = 0; i < 2000; i++) { n++; }
          request.body = { runs, n, compact: gw.compact({ a: 1, b: "" }), joined: [1, [2, 3]].join("-"), json: JSON.stringify({ x: [1] }) };
          return request;
        }
        """, JintSandbox.Create(Limits), DateTimeOffset.UtcNow);

    [Theory]
    [InlineData("throw new Error('no ticket');")]
    [InlineData("throw 'a string';")]
    [InlineData("return null.ticket;")]
    [InlineData("(function deep(d) { if (d === 0) { throw new Error('deep'); } deep(d - 1); })(40);")]
    [InlineData("JSON.stringify({ get a() { throw new Error('in a getter JSON.stringify reads'); } });")]
    [InlineData("gw.compact({ stale: 1, get b() { throw new Error('in a getter gw.compact reads'); } });")]
    [InlineData("[1, [2, { toString() { throw new Error('in a join'); } }]].join();")]
    [InlineData("const it = { [Symbol.iterator]() { let n = 0; return { next() { if (n++) { throw new Error('in an iterator'); } return { value: 1, done: false }; } }; } }; for (const x of it) { }")]
    [InlineData("return { path: 42 };")]
    [InlineData("const b = { a: [1, { c: 'part-way' }] }; b.a.push(b); request.body = b; return request;")]
    [InlineData("request.body = { first: 'written', get then() { throw new Error('in a getter the body writer reads'); } }; return request;")]
    public void AnEngineWhoseScriptThrewRunsTheNextRequestWhole(string failure)
    {
        var runner = new TransformRunner(Options.Create(Limits));
        var script = Script(failure);

        Assert.Equal(1, Body(runner.Run(script, Request(fail: false), Context()))["runs"]!.GetValue<int>());
        var failed = Assert.IsType<TransformOutcome.Fail>(runner.Run(script, Request(fail: true), Context()));
        Assert.Null(failed.Failure.Limit);
        var next = runner.Run(script, Request(fail: false), Context());

        // The same engine (its count of runs went on), with its whole budget and its helpers as before.
        Assert.Equal("""{"runs":3,"n":2000,"compact":{"a":1},"joined":"1-2,3","json":"{\"x\":[1]}"}""", Encoding.UTF8.GetString(Assert.IsType<TransformOutcome.Forward>(next).Request.Body!));
    }

    [Theory]
    [InlineData("for (;;) {}", "statements")]
    [InlineData("(function down() { return down(); })();", "recursion")]
    [InlineData("'x'.repeat(2 ** 28);", "string-length")]
    public void AnEngineALimitStoppedIsNeverUsedAgain(string failure, string limit)
    {
        var runner = new TransformRunner(Options.Create(Limits));
        var script = Script(failure);

        Assert.Equal(1, Body(runner.Run(script, Request(fail: false), Context()))["runs"]!.GetValue<int>());
        Assert.Equal(limit, Assert.IsType<TransformOutcome.Fail>(runner.Run(script, Request(fail: true), Context())).Failure.Limit);

        Assert.Equal(1, Body(runner.Run(script, Request(fail: false), Context()))["runs"]!.GetValue<int>());
    }

    private static JsonNode Body(TransformOutcome outcome) =>
        JsonNode.Parse(Assert.IsType<TransformOutcome.Forward>(outcome).Request.Body!)!;

    private static TransformContext Context() => ScriptTestKit.Context("reuse");

    private static IncomingRequest Request(bool fail) => ScriptTestKit.JsonRequest(fail ? """{"fail":true}""" : """{"fail":false}""");
}
