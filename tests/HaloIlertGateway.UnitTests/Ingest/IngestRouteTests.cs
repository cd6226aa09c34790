using HaloIlertGateway.Ingest;
using Yarp.ReverseProxy.Configuration;

namespace HaloIlertGateway.UnitTests.Ingest;

/// <summary>A route's metadata, read once: its body formats and what is wrong with it.</summary>
public sealed class IngestRouteTests
{
    private static RouteConfig Route(params (string Key, string Value)[] metadata) =>
        new() { RouteId = "r", ClusterId = "ilert", Metadata = metadata.ToDictionary(m => m.Key, m => m.Value) };

    private static IngestRoute Read(RouteConfig route) => IngestRoute.From(route, "t", 1024, new HashSet<string>());

    [Fact]
    public void BodyFormatsListsTheFormatsInAnySpellingAndRequireJsonIsItsOlderForm()
    {
        Assert.Equal(BodyFormats.Json | BodyFormats.Form | BodyFormats.Xml, Read(Route(("BodyFormats", "JSON, form xml"))).Formats);
        Assert.Equal(BodyFormats.Json, Read(Route(("RequireJson", "true"))).Formats);
        Assert.Equal(BodyFormats.All, Read(Route()).Formats);
        Assert.Equal(BodyFormats.Form, Read(Route(("BodyFormats", "form"), ("RequireJson", "true"))).Formats);
    }

    [Theory]
    [InlineData("yaml")]
    [InlineData("")]
    [InlineData("all")]
    [InlineData("none")]
    [InlineData("1")]
    public void AnUnknownBodyFormatIsAConfigErrorNamingTheRoute(string formats) =>
        Assert.Equal($"Route 'r': Metadata BodyFormats must list one or more of json, form, xml and text, not '{formats}'.", IngestRoute.DescribeInvalidMetadata(Route(("BodyFormats", formats))));
}
