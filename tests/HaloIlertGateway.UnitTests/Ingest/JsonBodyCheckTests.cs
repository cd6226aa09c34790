using System.Text;
using HaloIlertGateway.Scripting;

namespace HaloIlertGateway.UnitTests.Ingest;

/// <summary>
/// The edge's JSON check parses the document the script then reads: it refuses what the token-by-token check refuses,
/// with the same words, and gives the document only for a body it accepts.
/// </summary>
public sealed class JsonBodyCheckTests
{
    public static readonly TheoryData<string> Bodies = new()
    {
        """{"ticket":{"id":1}}""",
        """{"ticket":{"id":1}""",
        "{\"ticket\":\n  {\"id\": 1,}\n}",
        """{"a":"\ud800"}""",
        """{"a":"\ud83d\ude00 fine"}""",
        """{"path":"C:\\users\\x"}""",
        """{"a":"\u0041 then \ud800 alone"}""",
        """{"a":"\u003Cp\u003Emarkup escaped as a serializer does\u003C/p\u003E"}""",
        """{"a":"\uDBFF high, in capitals"}""",
        """{"a":"\udc00 low"}""",
        """{"a":"\udfff"}""",
        """{"\ud800name":1}""",
        """{"a":"\\ud800 is a backslash and text"}""",
        """{"a":"\ud7ff \ue000 either side of the surrogates"}""",
        """{"a":"\ud""",
        """[1, 2""",
        """{"a":1} trailing""",
        string.Concat(Enumerable.Repeat("[", 11)) + new string(']', 11),
        string.Concat(Enumerable.Repeat("[", 10)) + new string(']', 10),
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void TheCheckThatParsesAgreesWithTheTokenByTokenCheck(string json)
    {
        var body = Encoding.UTF8.GetBytes(json);

        var described = JsonText.DescribeInvalid(body, 10, out var parsed);

        Assert.Equal(JsonText.DescribeInvalid(body, 10), described);
        Assert.Equal(described is null, parsed is not null);
    }

    [Theory]
    [InlineData("""{"a":"\u003Cp\u003E \u00e9 \ud7ff \ue000"}""", false)]
    [InlineData("""{"a":"plain"}""", false)]
    [InlineData("""{"a":"\ud83d\ude00"}""", true)]
    [InlineData("""{"a":"\uD800"}""", true)]
    [InlineData("""{"a":"\uDfFf"}""", true)]
    [InlineData("""{"a":"\u0041\udc00"}""", true)]
    public void OnlyATextThatMayEscapeASurrogateIsReadTokenByToken(string json, bool tokenByToken)
    {
        Assert.Equal(tokenByToken, JsonText.MayEscapeASurrogate(Encoding.UTF8.GetBytes(json)));
    }
}
