using System.Text;
using System.Text.Json.Nodes;
using HaloIlertGateway.Scripting;

namespace HaloIlertGateway.Tests.Scripting;

/// <summary>The object a script is given for an XML body.</summary>
public sealed class XmlBodyTests
{
    private static JsonNode Convert(string xml) => JsonNode.Parse(XmlBody.ToJson(Encoding.UTF8.GetBytes(xml), 64))!;

    [Fact]
    public void ElementsBecomePropertiesRepeatsArraysAndAttributesAtNames()
    {
        var json = Convert("""<ticket xmlns:z="urn:z" id="1"><z:title>A &amp; B</z:title><tag>x</tag><tag>y</tag><empty/><note lang="en">hello</note></ticket>""");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"ticket":{"@id":"1","title":"A & B","tag":["x","y"],"empty":"","note":{"@lang":"en","#text":"hello"}}}
            """), json), json.ToJsonString());
    }

    [Fact]
    public void CDataIsText() => Assert.Equal("<b>x</b>", Convert("<d><![CDATA[<b>x</b>]]></d>")["d"]!.GetValue<string>());

    [Fact]
    public void NestingDeeperThanTheLimitIsRefused()
    {
        var deep = string.Concat(Enumerable.Repeat("<a>", 10)) + string.Concat(Enumerable.Repeat("</a>", 10));

        Assert.Null(XmlBody.DescribeInvalid(Encoding.UTF8.GetBytes(deep), 10));
        Assert.Contains("nested deeper than 9", XmlBody.DescribeInvalid(Encoding.UTF8.GetBytes(deep), 9));
    }

    [Fact]
    public void ADtdIsRefusedAndMalformedXmlNamesItsLine()
    {
        Assert.Contains("declares a DTD", XmlBody.DescribeInvalid(Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?>\n<!DOCTYPE t []><t/>"), 64));
        Assert.StartsWith("Line 2", XmlBody.DescribeInvalid(Encoding.UTF8.GetBytes("<t>\n<a></t>"), 64));
    }
}
