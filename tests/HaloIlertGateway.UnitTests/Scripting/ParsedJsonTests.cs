using System.Text;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.UnitTests.Scripting;

/// <summary>
/// A run gives its body's parse back to the pool when it ends (<see cref="ParsedJson"/>). A body the script kept reads
/// its own text again: never the parse of a later request, which may be in the same pooled array.
/// </summary>
public sealed class ParsedJsonTests
{
    [Fact]
    public void OneRunTakesTheParseAndReleasingItTwiceIsHarmless()
    {
        var parsed = ParsedJson.Parse(Encoding.UTF8.GetBytes("""{"a":1}"""), 64);

        Assert.True(parsed.TryTake());
        Assert.False(parsed.TryTake());
        Assert.False(parsed.IsReleased);
        parsed.Release();
        parsed.Release();
        Assert.True(parsed.IsReleased);
        Assert.Throws<ObjectDisposedException>(() => parsed.Root);
    }

    [Fact]
    public void AParseNeverTakenCannotBeTakenOnceReleased()
    {
        var parsed = ParsedJson.Parse(Encoding.UTF8.GetBytes("[]"), 64);

        parsed.Release();

        Assert.False(parsed.TryTake());
    }

    [Fact]
    public void ARunReleasesTheEdgesParseAndARunAgainOfTheSameRequestReadsTheText()
    {
        var script = ScriptTestKit.Compile("edge", "function transform(request) { request.body = { id: request.body.ticket.id, n: request.body.ticket.status.name }; return request; }");
        var utf8 = Encoding.UTF8.GetBytes("""{"ticket":{"id":7,"status":{"name":"New"}}}""");
        var parsed = ParsedJson.Parse(utf8, 64);
        var empty = new Dictionary<string, string>();
        var request = new IncomingRequest("POST", "/", empty, empty, empty, TransformBody.Json(utf8) with { Parsed = parsed });

        var first = ScriptTestKit.Runner.Run(script, request, ScriptTestKit.Context("edge"));
        Assert.True(parsed.IsReleased);
        // A regex timeout's retry runs the same request again.
        var second = ScriptTestKit.Runner.Run(script, request, ScriptTestKit.Context("edge"));

        Assert.Equal("""{"id":7,"n":"New"}""", BodyOf(first));
        Assert.Equal(BodyOf(first), BodyOf(second));
    }

    /// <summary>
    /// Each run's body is parsed into an array rented from the shared pool and given back when the run ends, so the next
    /// run's parse is likely in the very array the kept body was read from. What was kept must still read as it came.
    /// </summary>
    [Theory]
    [InlineData("kept.status.name + ':' + kept.id + ':' + kept.agent.name + ':' + kept.tags.length")]
    [InlineData("JSON.stringify(kept)")]
    [InlineData("JSON.stringify(Object.keys(kept)) + kept.summary")]
    [InlineData("JSON.stringify(keptAll)")]
    [InlineData("keptStatus.name + JSON.stringify(keptStatus) + (keptAll.ticket === kept)")]
    public void ABodyKeptPastItsRunReadsAsItCameAfterLaterRuns(string read)
    {
        var script = ScriptTestKit.Compile("keep", $$"""
            let kept = null, keptAll = null, keptStatus = null;
            function transform(request) {
              const before = kept === null ? null : {{read}};
              if (kept === null) {
                keptAll = request.body;
                kept = request.body.ticket;
                keptStatus = kept.status;
              }
              request.body = { before };
              return request;
            }
            """);
        const string First = """{"ticket":{"status":{"name":"New","id":1},"id":7,"summary":"first","agent":{"name":"Jane"},"tags":["a","b"]}}""";
        Assert.Equal("""{"before":null}""", BodyOf(ScriptTestKit.Runner.Run(script, ScriptTestKit.JsonRequest(First), ScriptTestKit.Context("keep"))));

        // What the script reads of the kept body, computed on the first body parsed on its own, never given back.
        var expected = ProbeDifferential.Run($$"""{ const keptAll = b, kept = b.ticket, keptStatus = kept.status; return {{read}}; }""", "b",
            engine => LazyJsonObject.Parse(engine, Encoding.UTF8.GetBytes(First), 64));

        for (var i = 0; i < 3; i++)
        {
            var later = $$"""{"ticket":{"status":{"name":"Closed{{i}}","id":9},"id":{{100 + i}},"summary":"later","agent":{"name":"Other"},"tags":[]},"x":"{{new string('x', 40 * i)}}"}""";
            var body = BodyOf(ScriptTestKit.Runner.Run(script, ScriptTestKit.JsonRequest(later), ScriptTestKit.Context("keep")));

            Assert.Equal(expected, System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("before").ToString());
        }
    }

    [Fact]
    public void WhatJsonParseGaveAndTheScriptKeptReadsAsItCameAfterLaterRuns()
    {
        var script = ScriptTestKit.Compile("keep-parse", """
            let kept = null;
            function transform(request) {
              const entity = JSON.parse(request.body.entity);
              const before = kept === null ? null : kept.status.name + ':' + JSON.stringify(kept) + ':' + entity.id;
              if (kept === null) {
                kept = entity;
              }
              request.body = { before };
              return request;
            }
            """);
        static IncomingRequest Request(int id, string status) =>
            ScriptTestKit.JsonRequest(System.Text.Json.JsonSerializer.Serialize(new { entity = $$"""{"id":{{id}},"status":{"name":"{{status}}"},"n":[{{id}}]}""" }));

        Assert.Equal("""{"before":null}""", BodyOf(ScriptTestKit.Runner.Run(script, Request(1, "New"), ScriptTestKit.Context("keep-parse"))));

        for (var i = 2; i < 5; i++)
        {
            var body = BodyOf(ScriptTestKit.Runner.Run(script, Request(i, "Closed" + i), ScriptTestKit.Context("keep-parse")));

            Assert.Equal($$"""New:{"id":1,"status":{"name":"New"},"n":[1]}:{{i}}""", System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("before").GetString());
        }
    }

    private static string BodyOf(TransformOutcome outcome) =>
        Encoding.UTF8.GetString(Assert.IsType<TransformOutcome.Forward>(outcome).Request.Body!);
}
