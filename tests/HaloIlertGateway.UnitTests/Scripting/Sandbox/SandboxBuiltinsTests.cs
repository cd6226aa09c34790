using System.Text;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Tests.Infrastructure;
using Jint;

namespace HaloIlertGateway.UnitTests.Scripting.Sandbox;

/// <summary>Within their limits, the guarded built-ins give what the language defines: the same values as plain Jint.</summary>
public sealed class SandboxBuiltinsTests
{
    [Theory]
    [InlineData("[1, 'a', null, undefined, [2, 3], new Date(Date.UTC(2026, 0, 2))].toLocaleString()")]
    [InlineData("[1, [2, [3, null]], 'x'].join('-')")]
    [InlineData("String([1, [2, [3]]]) + [4, [5]]")]
    [InlineData("(() => { const a = [1]; a.push(a); return a.join(); })()")]
    [InlineData("'ab'.repeat(3) + 'x'.padStart(5, '-') + 'y'.padEnd(3, '+')")]
    [InlineData("'a'.concat('b', 1, null, [2, 3])")]
    [InlineData("'aXbX'.replaceAll('X', '[$&]') + 'abc'.replace(/b/, '<$&$`$\\'>') + 'aaa'.replace('a', () => 'z')")]
    [InlineData("[[1], [2, [3, [4]]]].flat(Infinity).join() + '|' + [[1], [2, [3]]].flat().length")]
    [InlineData("[1, 2].flatMap(x => [x, [x * 2]]).length + '|' + [1].concat([2], 3, [[4]]).length")]
    [InlineData("encodeURIComponent('a b/é') + encodeURI('x y') + escape('ü')")]
    [InlineData("'ßaﬃ'.toUpperCase() + 'ÄB'.toLowerCase() + 'é'.normalize('NFD').length + 'ﬁ'.normalize('NFKC')")]
    [InlineData("JSON.stringify({ a: [1, { b: 2 }], c: 'é\\n' }, null, 2)")]
    public void WithinTheirLimitsGuardedBuiltInsGiveWhatTheLanguageDefines(string expression)
    {
        var expected = new Engine().Evaluate($"JSON.stringify({{ v: {expression} }})").AsString();
        var script = ScriptTestKit.Compile("builtins", $"function transform(request) {{ request.body = {{ v: {expression} }}; return request; }}");

        var outcome = ScriptTestKit.Runner.Run(script, ScriptTestKit.JsonRequest("{}"), ScriptTestKit.Context("builtins"));

        var forward = Assert.IsType<TransformOutcome.Forward>(outcome);
        Assert.Equal(expected, Encoding.UTF8.GetString(forward.Request.Body!));
    }
}
