using System.Text;
using BenchmarkDotNet.Attributes;
using HaloIlertGateway.Scripting;

namespace HaloIlertGateway.Benchmarks;

/// <summary>
/// What the gateway does with a body before the script's clock starts (issue 34: "no body within MaxBodyBytes costs more
/// than a documented bound"), for the costliest bodies of each format that fit in the shipped 1 MiB route limit: JSON
/// checked and parsed (a million-element array; a megabyte of escaped surrogate pairs, which also takes the escape
/// check's own pass), XML read and made into the script's JSON (the most elements it takes; one element's megabyte of
/// entity-escaped text; one element with 5,000 attributes), a form counted and parsed as the engine parses it (the most
/// fields it takes).
/// </summary>
[MemoryDiagnoser]
public class BodyBoundsBenchmarks
{
    private static readonly BodyLimits Limits = BodyLimits.From(new ScriptingOptions());
    private byte[] _body = null!;

    [Params("json-numbers", "json-escapes", "xml-elements", "xml-text", "xml-attributes", "form-fields")]
    public string Body { get; set; } = "json-numbers";

    [GlobalSetup]
    public void Setup() => _body = Body switch
    {
        "json-numbers" => Bytes("[" + string.Join(',', Enumerable.Repeat("0", 524_000)) + "]"),
        "json-escapes" => Bytes("[\"" + string.Concat(Enumerable.Repeat("\\ud83d\\ude00", 87_000)) + "\"]"),
        "xml-elements" => Bytes("<t>" + string.Concat(Enumerable.Repeat("<e a=\"1\">x</e>", (Limits.MaxNodes - 1) / 2)) + "</t>"),
        "xml-text" => Bytes("<t>" + string.Concat(Enumerable.Repeat("&amp;&lt;&#x1F600;", 58_000)) + "</t>"),
        "xml-attributes" => Bytes("<t " + string.Join(' ', Enumerable.Range(0, 5_000).Select(i => $"a{i}=\"{i}\"")) + "/>"),
        _ => Bytes(string.Join('&', Enumerable.Range(0, Limits.MaxNodes).Select(i => $"field{i}=" + new string('v', 90)))),
    };

    [Benchmark]
    public int MakeReady()
    {
        switch (Body)
        {
            case "json-numbers" or "json-escapes":
                _ = JsonText.DescribeInvalid(_body, Limits.MaxDepth, out var parsed);
                parsed!.Release();
                return _body.Length;
            case "form-fields":
                _ = FormBody.DescribeInvalid(_body, Limits.MaxNodes);
                return Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Encoding.UTF8.GetString(_body))
                    .ToDictionary(pair => pair.Key, pair => pair.Value.ToString(), StringComparer.Ordinal).Count;
            default:
                return XmlBody.DescribeInvalid(_body, Limits, out var json) is null ? json!.Length : throw new InvalidOperationException("refused");
        }
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
