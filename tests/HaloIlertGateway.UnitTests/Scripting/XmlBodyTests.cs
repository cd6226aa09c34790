using System.Text;
using System.Text.Json.Nodes;
using HaloIlertGateway.Scripting;

namespace HaloIlertGateway.UnitTests.Scripting;

/// <summary>The object a script is given for an XML body, and what reading one may cost.</summary>
public sealed class XmlBodyTests
{
    private static readonly BodyLimits Limits = BodyLimits.From(new ScriptingOptions());

    private static JsonNode Convert(string xml) => JsonNode.Parse(XmlBody.ToJson(Encoding.UTF8.GetBytes(xml), Limits))!;

    private static string? Invalid(string xml, BodyLimits? limits = null) => XmlBody.DescribeInvalid(Encoding.UTF8.GetBytes(xml), limits ?? Limits, out _);

    [Fact]
    public void ElementsBecomePropertiesRepeatsArraysAndAttributesAtNames()
    {
        var json = Convert("""<ticket xmlns:z="urn:z" id="1"><z:title>A &amp; B</z:title><tag>x</tag><tag>y</tag><empty/><note lang="en">hello</note></ticket>""");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"ticket":{"@id":"1","z:title":"A & B","tag":["x","y"],"empty":"","note":{"@lang":"en","#text":"hello"}}}
            """), json), json.ToJsonString());
    }

    [Fact]
    public void NamesOfDifferentNamespacesStayApart()
    {
        var json = Convert("""<t xmlns:a="urn:a" xmlns:b="urn:b" a:id="1" b:id="2"><a:name>x</a:name><b:name>y</b:name><name>z</name></t>""");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"t":{"@a:id":"1","@b:id":"2","a:name":"x","b:name":"y","name":"z"}}"""), json), json.ToJsonString());
    }

    [Fact]
    public void CDataIsText() => Assert.Equal("<b>x</b>", Convert("<d><![CDATA[<b>x</b>]]></d>")["d"]!.GetValue<string>());

    [Fact]
    public void NestingDeeperThanTheLimitIsRefused()
    {
        var deep = string.Concat(Enumerable.Repeat("<a>", 10)) + string.Concat(Enumerable.Repeat("</a>", 10));

        Assert.Null(Invalid(deep, Limits with { MaxDepth = 10 }));
        Assert.Contains("nested deeper than 9", Invalid(deep, Limits with { MaxDepth = 9 }));
    }

    [Fact]
    public void ADtdIsRefusedAndMalformedXmlNamesItsLine()
    {
        Assert.Contains("declares a DTD", Invalid("<?xml version=\"1.0\"?>\n<!DOCTYPE t []><t/>"));
        Assert.StartsWith("Line 2", Invalid("<t>\n<a></t>"));
    }

    [Fact]
    public void MoreElementsAndAttributesThanTheLimitAreRefusedWithoutReadingTheRest()
    {
        Assert.Null(Invalid("<t a=\"1\"><x/><x/></t>", Limits with { MaxNodes = 4 }));
        Assert.Contains("more than 3 elements and attributes", Invalid("<t a=\"1\"><x/><x/></t>", Limits with { MaxNodes = 3 }));

        // 90,000 siblings in 800 KB: refused at the ten-thousandth (within the run's CPU budget, or the refusal would say so).
        var siblings = "<t>" + string.Concat(Enumerable.Repeat("<e>1</e>", 90_000)) + "</t>";
        Assert.Contains("more than 10000 elements", Invalid(siblings));
    }

    [Fact]
    public void ADocumentThatTakesLongerThanItsBudgetIsRefused()
    {
        var many = "<t>" + string.Concat(Enumerable.Repeat("<e>1</e>", 5_000)) + "</t>";

        Assert.Contains("ms of CPU time", Invalid(many, Limits with { CpuBudget = TimeSpan.FromTicks(1) }));
    }

    [Fact]
    public void TheClockIsReadWhateverTheCountOfEachElement()
    {
        // Elements of one attribute each count two at a time: the count passes every check point without landing on one.
        var many = "<t x=\"1\">" + string.Concat(Enumerable.Repeat("<e a=\"1\"/>", 2_000)) + "</t>";

        Assert.Contains("ms of CPU time", Invalid(many, Limits with { CpuBudget = TimeSpan.FromTicks(1) }));
    }

    [Fact]
    public void ADeclarationPaddedPastAKilobyteIsRefused() =>
        Assert.Contains("does not end within its first 1,024 bytes", Invalid("<?xml version=\"1.0\"" + new string(' ', 2_000) + " encoding=\"UTF-16\"?><t/>"));

    [Theory]
    [InlineData("ISO-8859-1")]
    [InlineData("windows-1252")]
    [InlineData("UTF-16")]
    public void ADeclaredEncodingOtherThanUtf8IsRefused(string encoding) =>
        Assert.Contains("UTF-8", Invalid($"<?xml version=\"1.0\" encoding=\"{encoding}\"?><t>caf\u00e9</t>") ?? "accepted");

    [Fact]
    public void Utf8DeclaredOrNotIsRead()
    {
        Assert.Equal("caf\u00e9", Convert("<?xml version=\"1.0\" encoding=\"utf-8\"?><t>caf\u00e9</t>")["t"]!.GetValue<string>());
        Assert.Equal("caf\u00e9", Convert("<t>caf\u00e9</t>")["t"]!.GetValue<string>());
    }
}
