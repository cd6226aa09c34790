using HaloIlertGateway.Scripting;

namespace HaloIlertGateway.UnitTests.Scripting;

/// <summary>The output contract on its own, no engine and no server (the end-to-end proof is OutputContractTests).</summary>
public sealed class TransformContractTests
{
    [Theory]
    [InlineData("/api/events")]
    [InlineData("/api/v1/events/halopsa/il1hps-%C3%A9")]
    [InlineData("/a/b.c/..d")]
    public void AnAbsolutePathOnTheSameUpstreamPasses(string path) => Assert.Equal(path, TransformContract.ValidatePath(path));

    [Theory]
    [InlineData("", "single '/'")]
    [InlineData("api/events", "single '/'")]
    [InlineData("//evil.example/x", "single '/'")]
    [InlineData("/a?b=1", "visible ASCII")]
    [InlineData("/a#frag", "visible ASCII")]
    [InlineData("/a\\b", "visible ASCII")]
    [InlineData("/café", "visible ASCII")]
    [InlineData("/a b", "visible ASCII")]
    [InlineData("/a%2", "%XX escape")]
    [InlineData("/a%zz", "%XX escape")]
    [InlineData("/a%2Fb", "must not encode")]
    [InlineData("/a%0Ab", "must not encode")]
    [InlineData("/a/../admin", "'.' or '..'")]
    [InlineData("/a/%2E%2E/admin", "'.' or '..'")]
    [InlineData("/a/./b", "'.' or '..'")]
    public void APathThatCouldLeaveTheRouteOrBeReadTwoWaysIsRefused(string path, string reason)
    {
        var refused = Assert.Throws<TransformContractException>(() => TransformContract.ValidatePath(path));
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x-ticket", "4711")]
    [InlineData("authorization", "Bearer abc.def")]
    [InlineData("x-tab", "a\tb")]
    public void AHeaderOfATokenNameAndVisibleAsciiPasses(string name, string value) => TransformContract.ValidateHeader(name, value);

    [Theory]
    [InlineData("x note", "v", "HTTP token")]
    [InlineData("", "v", "HTTP token")]
    [InlineData("x-a", "one\r\nx-injected: two", "control character")]
    [InlineData("x-a", "nul\0", "control character")]
    [InlineData("x-a", "café", "non-ASCII")]
    public void AHeaderThatCouldSplitTheRequestOrHasNoEncodingIsRefused(string name, string value, string reason)
    {
        var refused = Assert.Throws<TransformContractException>(() => TransformContract.ValidateHeader(name, value));
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyHeadersTheScriptAddedOrChangedAreChecked()
    {
        var original = new Dictionary<string, string> { ["x-client"] = "café" };

        TransformContract.CheckSetHeaders(original, new Dictionary<string, string> { ["x-client"] = "café", ["x-new"] = "ok" });
        Assert.Throws<TransformContractException>(() => TransformContract.CheckSetHeaders(original, new Dictionary<string, string> { ["x-client"] = "thé" }));
    }

    [Fact]
    public void AProtectedHeaderMayBeLeftOutButNeverSetOrChanged()
    {
        var original = new Dictionary<string, string> { ["host"] = "gateway", ["x-api-key"] = "k" };
        var route = new HashSet<string> { "x-api-key" };

        TransformContract.CheckProtectedHeaders(original, new Dictionary<string, string>(), route);
        TransformContract.CheckProtectedHeaders(original, original, route);
        Assert.Throws<TransformContractException>(() => TransformContract.CheckProtectedHeaders(original, new Dictionary<string, string> { ["host"] = "evil" }, route));
        Assert.Throws<TransformContractException>(() => TransformContract.CheckProtectedHeaders(original, new Dictionary<string, string> { ["x-api-key"] = "other" }, route));
        Assert.Throws<TransformContractException>(() => TransformContract.CheckProtectedHeaders(original, new Dictionary<string, string> { ["transfer-encoding"] = "chunked" }, route));
    }

    [Fact]
    public void AQueryWithALoneSurrogateIsRefusedAndAPairPasses()
    {
        TransformContract.CheckQuery(new Dictionary<string, string> { ["q"] = "😀" });
        Assert.Throws<TransformContractException>(() => TransformContract.CheckQuery(new Dictionary<string, string> { ["q"] = "\ud800" }));
    }

    [Fact]
    public void RouteValuesNamedLikeSecretsAreTheOnesMasked()
    {
        var secrets = TransformContract.SecretParams(new Dictionary<string, string> { ["integrationKey"] = "il1hps-k", ["apiToken"] = "t", ["ticket"] = "4711" });

        Assert.Equal(["il1hps-k", "t"], secrets.Order());
    }
}
