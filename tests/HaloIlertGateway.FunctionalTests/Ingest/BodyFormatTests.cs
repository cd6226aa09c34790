using System.Net;
using System.Text.Json.Nodes;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Ingest;

/// <summary>
/// A route's <c>BodyFormats</c>: JSON, form and XML bodies reach the script as objects; a format the route does not
/// take is a 415 naming the ones it does; XML that is malformed or declares a DTD is a 400 before any script runs.
/// </summary>
public sealed class BodyFormatTests
{
    private const string Echo = """function transform(request) { request.body = { got: request.body }; return request; }""";

    private static Task<GatewayHarness> StartAsync() =>
        GatewayHarness.CreateAsync(new Dictionary<string, string> { ["tickets"] = Echo }, g =>
        {
            g.WithTransformRoute("tickets", "tickets");
            g.Settings["ReverseProxy:Routes:tickets:Metadata:BodyFormats"] = "json, form, xml";
        });

    [Theory]
    [InlineData("application/json", """{"ticket":{"id":"7","title":"Down"}}""")]
    [InlineData("application/x-www-form-urlencoded", "ticket=7&title=Down")]
    [InlineData("text/xml", """<?xml version="1.0"?><ticket status="open"><id>7</id><title>Down</title><tag>a</tag><tag>b</tag></ticket>""")]
    public async Task EachFormatTheRouteTakesReachesTheScriptAsAnObject(string contentType, string body)
    {
        await using var harness = await StartAsync();

        using var response = await harness.PostAsync(TestRoutes.PathOf("tickets", "il1formats"), body, contentType);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var got = Assert.Single(await harness.Ilert.WaitForAsync(1)).Json!["got"]!;
        var expected = contentType switch
        {
            "application/json" => """{"ticket":{"id":"7","title":"Down"}}""",
            "application/x-www-form-urlencoded" => """{"ticket":"7","title":"Down"}""",
            _ => """{"ticket":{"@status":"open","id":"7","title":"Down","tag":["a","b"]}}""",
        };
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), got), got.ToJsonString());
    }

    [Fact]
    public async Task AFormatTheRouteDoesNotTakeIs415NamingTheOnesItDoes()
    {
        await using var harness = await StartAsync();

        using var response = await harness.PostAsync(TestRoutes.PathOf("tickets", "il1formats"), "id=7", "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var problem = await GatewayHarness.ReadProblemAsync(response);
        Assert.Equal("This route takes JSON, form or XML bodies.", problem["title"]!.GetValue<string>());
        Assert.Contains("application/json, application/x-www-form-urlencoded or application/xml", problem["detail"]!.GetValue<string>());
        await harness.AssertNothingSentAsync();
    }

    [Theory]
    [InlineData("<ticket><id>7</ticket>")]
    [InlineData("""<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]><t>&x;</t>""")]
    [InlineData("""<!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><t>&b;</t>""")]
    public async Task MalformedXmlOrXmlWithADtdIs400AndNoScriptRuns(string body)
    {
        await using var harness = await StartAsync();

        using var response = await harness.PostAsync(TestRoutes.PathOf("tickets", "il1formats"), body, "application/xml");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("urn:haloilertgateway:problem:invalid-xml", (await GatewayHarness.ReadProblemAsync(response))["type"]!.GetValue<string>());
        await harness.AssertNothingSentAsync();
    }

    public static TheoryData<string, string, string> BodiesBeyondTheirBounds() => new()
    {
        { "application/xml", "<t>" + string.Concat(Enumerable.Repeat("<e>1</e>", 90_000)) + "</t>", "more than 10000 elements and attributes" },
        { "application/xml", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><t>caf\u00e9</t>", "declares the encoding 'ISO-8859-1'" },
        { "application/x-www-form-urlencoded", string.Join('&', Enumerable.Range(0, 20_000).Select(i => $"f{i}=1")), "more than 10000 fields" },
    };

    [Theory]
    [MemberData(nameof(BodiesBeyondTheirBounds))]
    public async Task ABodyBeyondWhatItMayCostToReadIsRefusedBeforeAnyScriptRuns(string contentType, string body, string why)
    {
        await using var harness = await StartAsync();

        using var response = await harness.PostAsync(TestRoutes.PathOf("tickets", "il1formats"), body, contentType);
        var problem = await GatewayHarness.ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(why, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await GenuineAlerts.PostAndAwaitDeliveryAsync(harness, 1);
        Assert.Single(harness.Ilert.Received);
    }
}
