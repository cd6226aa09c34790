using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Xml;
using HaloIlertGateway.Scripting.Sandbox;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// An XML body as a script sees it: the same value JSON would give. The document <c>&lt;ticket id="7"&gt;&lt;title&gt;Down&lt;/title&gt;&lt;/ticket&gt;</c>
/// becomes <c>{"ticket": {"@id": "7", "title": "Down"}}</c>: an element with neither attributes nor child elements is
/// its text; any other element an object of <c>@attribute</c>s and child elements (a name repeated becomes an array)
/// plus <c>#text</c> for text beside them. A name keeps its namespace prefix (<c>z:title</c>), so names of different
/// namespaces stay apart. Read in one pass, bounded before the script's clock starts (<see cref="BodyLimits"/>):
/// elements and attributes counted, nesting bounded, the CPU time checked as it goes. DTDs are refused (no entity
/// expansion, no external resources), and so is a declared encoding other than UTF-8 (the bytes are UTF-8).
/// </summary>
internal static partial class XmlBody
{
    public const string TextKey = "#text";
    public const string AttributePrefix = "@";

    private const int CheckClockEvery = 256;

    /// <summary><c>application/xml</c>, <c>text/xml</c> or any <c>+xml</c> media type.</summary>
    public static bool IsXml(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/xml", StringComparison.OrdinalIgnoreCase)
            || media.MediaType.Equals("text/xml", StringComparison.OrdinalIgnoreCase)
            || media.Suffix.Equals("xml", StringComparison.OrdinalIgnoreCase));

    /// <summary>The document as UTF-8 JSON. Throws <see cref="FormatException"/> (with the line) when it is not XML a script can be given.</summary>
    public static byte[] ToJson(ReadOnlyMemory<byte> utf8, BodyLimits limits)
    {
        var root = Load(utf8, limits);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(utf8.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = limits.MaxDepth * 2 + 2 }))
        {
            writer.WriteStartObject();
            writer.WritePropertyName(root.Name);
            Write(writer, root);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Null when the body is XML a script can be given (<paramref name="json"/>: the value it is given); else where and why it is not.</summary>
    public static string? DescribeInvalid(ReadOnlyMemory<byte> utf8, BodyLimits limits, out byte[]? json)
    {
        try
        {
            json = ToJson(utf8, limits);
            return null;
        }
        catch (FormatException ex)
        {
            json = null;
            return ex.Message;
        }
    }

    private static Element Load(ReadOnlyMemory<byte> utf8, BodyLimits limits)
    {
        if (DeclaredEncoding(utf8.Span) is { } encoding && !IsUtf8(encoding))
        {
            throw new FormatException($"The document declares the encoding '{encoding}'; send it as UTF-8 (and declare UTF-8, or no encoding).");
        }

        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            MaxCharactersFromEntities = 0,
        };
        var clock = new CpuClock(limits.CpuBudget);
        var open = new Stack<Element>();
        Element? root = null;
        var nodes = 0;
        var nextCheck = CheckClockEvery;
        try
        {
            using var stream = MemoryMarshal.TryGetArray(utf8, out var array)
                ? new MemoryStream(array.Array!, array.Offset, array.Count, writable: false)
                : new MemoryStream(utf8.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, settings);
            while (reader.Read())
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        var element = new Element(reader.Name);
                        nodes += 1 + reader.AttributeCount;
                        if (nodes > limits.MaxNodes)
                        {
                            throw new FormatException($"The document has more than {limits.MaxNodes} elements and attributes.");
                        }

                        if (open.Count + 1 > limits.MaxDepth)
                        {
                            throw new FormatException($"Elements are nested deeper than {limits.MaxDepth} levels (at <{element.Name}>).");
                        }

                        ReadAttributes(reader, element);
                        if (open.TryPeek(out var parent))
                        {
                            parent.Add(element);
                        }
                        else
                        {
                            root = element;
                        }

                        if (!reader.IsEmptyElement)
                        {
                            open.Push(element);
                        }

                        if (nodes >= nextCheck)
                        {
                            clock.Check();
                            nextCheck = nodes + CheckClockEvery;
                        }

                        break;
                    case XmlNodeType.EndElement:
                        open.Pop();
                        break;
                    case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace when open.TryPeek(out var owner):
                        owner.Text.Append(reader.Value);
                        break;
                }
            }
        }
        catch (XmlException ex) when (ex.Message.Contains("DTD", StringComparison.Ordinal))
        {
            throw new FormatException("The document declares a DTD (<!DOCTYPE ...>), which is not accepted.", ex);
        }
        catch (XmlException ex)
        {
            throw new FormatException($"Line {ex.LineNumber}, position {ex.LinePosition}: {ex.Message.Split(" Line ")[0]}", ex);
        }

        return root ?? throw new FormatException("The document has no root element.");
    }

    /// <summary>
    /// The encoding the XML declaration names, read from the bytes before the parser sees them (the parser would switch
    /// to it, or fail on it, first).
    /// </summary>
    private static string? DeclaredEncoding(ReadOnlySpan<byte> utf8)
    {
        if (!utf8.StartsWith("<?xml"u8) || utf8.Length < 6 || utf8[5] is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            return null;
        }

        // A declaration is short; one padded past a kilobyte is not read as one here, and not given to the parser either.
        var end = utf8[..Math.Min(utf8.Length, 1024)].IndexOf("?>"u8);
        if (end < 0)
        {
            throw new FormatException("The XML declaration does not end within its first 1,024 bytes.");
        }

        var declaration = Encoding.ASCII.GetString(utf8[..end]);
        var match = EncodingAttribute().Match(declaration);
        return match.Success ? match.Groups[1].Value : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex("""\sencoding\s*=\s*["']([^"']*)["']""", System.Text.RegularExpressions.RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial System.Text.RegularExpressions.Regex EncodingAttribute();

    private static bool IsUtf8(string encoding) =>
        encoding.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) || encoding.Equals("UTF8", StringComparison.OrdinalIgnoreCase)
        || encoding.Equals("US-ASCII", StringComparison.OrdinalIgnoreCase);

    private static void ReadAttributes(XmlReader reader, Element element)
    {
        if (!reader.MoveToFirstAttribute())
        {
            return;
        }

        do
        {
            // Namespace declarations are how names are spelled, not data.
            if (reader.Prefix != "xmlns" && reader.Name != "xmlns")
            {
                element.Attributes.Add((AttributePrefix + reader.Name, reader.Value));
            }
        }
        while (reader.MoveToNextAttribute());
        reader.MoveToElement();
    }

    private static void Write(Utf8JsonWriter writer, Element element)
    {
        if (element.Children.Count == 0 && element.Attributes.Count == 0)
        {
            writer.WriteStringValue(element.Text.ToString());
            return;
        }

        writer.WriteStartObject();
        foreach (var (name, value) in element.Attributes)
        {
            writer.WriteString(name, value);
        }

        foreach (var group in element.Children.GroupBy(child => child.Name, StringComparer.Ordinal))
        {
            writer.WritePropertyName(group.Key);
            if (group.Count() == 1)
            {
                Write(writer, group.First());
                continue;
            }

            writer.WriteStartArray();
            foreach (var child in group)
            {
                Write(writer, child);
            }

            writer.WriteEndArray();
        }

        var text = element.Text.ToString().Trim();
        if (text.Length > 0)
        {
            writer.WriteString(TextKey, text);
        }

        writer.WriteEndObject();
    }

    /// <summary>One element as read: its name as written (prefix included), attributes, child elements and its own text.</summary>
    private sealed class Element(string name)
    {
        public string Name { get; } = name;

        public List<(string Name, string Value)> Attributes { get; } = [];

        public List<Element> Children { get; } = [];

        public StringBuilder Text { get; } = new();

        public void Add(Element child) => Children.Add(child);
    }

    /// <summary>The conversion's CPU time against its budget (the thread's CPU time where the OS gives it, else wall clock).</summary>
    private readonly struct CpuClock(TimeSpan budget)
    {
        private readonly TimeSpan? _cpuStart = ThreadCpuTime.Current();
        private readonly long _wallStart = System.Diagnostics.Stopwatch.GetTimestamp();

        public void Check()
        {
            var used = ThreadCpuTime.Current() - _cpuStart ?? System.Diagnostics.Stopwatch.GetElapsedTime(_wallStart);
            if (used > budget)
            {
                throw new FormatException($"Reading the document took more than {budget.TotalMilliseconds:0} ms of CPU time.");
            }
        }
    }
}
