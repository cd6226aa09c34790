using HaloIlertGateway.Tests.Infrastructure;
using System.Text.RegularExpressions;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Scripting.Sandbox;

namespace HaloIlertGateway.UnitTests.Scripting.Sandbox;

/// <summary>A regular-expression timeout is done again only when the thread did not use the limit's worth of CPU.</summary>
public sealed class RegexTimeoutRetryTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(3);

    [Fact]
    public void ATimeoutWhileTheThreadHardlyRanWasTheMachine() =>
        Assert.True(RegexTimeoutRetry.WasTheMachine(Start, Limit, () => Start + TimeSpan.FromMilliseconds(20)));

    [Fact]
    public void ATimeoutAfterTheLimitsWorthOfCpuWasTheExpression() =>
        Assert.False(RegexTimeoutRetry.WasTheMachine(Start, Limit, () => Start + Limit));

    [Fact]
    public void WithoutTheThreadsCpuTimeNothingIsDoneAgain()
    {
        Assert.False(RegexTimeoutRetry.WasTheMachine(null, Limit, () => Start));
        Assert.False(RegexTimeoutRetry.WasTheMachine(Start, Limit, () => null));
    }

    [Fact]
    public void ATimeoutIsFoundWhereverTheEngineWrappedIt()
    {
        var timeout = new RegexMatchTimeoutException("aaaa!", "^(a+)+$", Limit);

        Assert.True(RegexTimeoutRetry.IsRegexTimeout(timeout));
        Assert.True(RegexTimeoutRetry.IsRegexTimeout(new InvalidOperationException("compiling", new ArgumentException("inner", timeout))));
        Assert.False(RegexTimeoutRetry.IsRegexTimeout(new TimeoutException("the script ran past its time limit")));
    }

    [Fact]
    public void AnExpressionThatReallyBacktracksStillFailsOnItsLimit()
    {
        var script = ScriptTestKit.Compile("redos", "function transform(request) { return /^(a+)+$/.test('a'.repeat(48) + '!') ? request : request; }");
        var request = new IncomingRequest("POST", "/", new Dictionary<string, string>(), new Dictionary<string, string>(), new Dictionary<string, string>(), TransformBody.None);

        var outcome = ScriptTestKit.Runner.Run(script, request, ScriptTestKit.Context("redos"));

        Assert.Equal("regex-timeout", Assert.IsType<TransformOutcome.Fail>(outcome).Failure.Limit);
    }
}
