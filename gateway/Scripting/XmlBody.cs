using System.Text.Json;
using System.Xml;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// An XML body as a script sees it: the same value JSON would give. The document <c>&lt;ticket id="7"&gt;&lt;title&gt;Down&lt;/title&gt;&lt;/ticket&gt;</c>
/// becomes <c>{"ticket": {"@id": "7", "title": "Down"}}</c>: an element with neither attributes nor child elements is
/// its text; any other element an object of <c>@attribute</c>s and child elements (a name repeated becomes an array)
/// plus <c>#text</c> for text beside them. Names lose their namespace prefix. DTDs are refused (no entity expansion,
/// no external resources) and nesting is bounded, as for JSON.
/// </summary>
internal static class XmlBody
{
    public const string TextKey = "#text";
    public const string AttributePrefix = "@";

    /// <summary><c>application/xml</c>, <c>text/xml</c> or any <c>+xml</c> media type.</summary>
    public static bool IsXml(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/xml", StringComparison.OrdinalIgnoreCase)
            || media.MediaType.Equals("text/xml", StringComparison.OrdinalIgnoreCase)
            || media.Suffix.Equals("xml", StringComparison.OrdinalIgnoreCase));

    /// <summary>The document as UTF-8 JSON. Throws <see cref="FormatException"/> (with the line) when it is not XML a script can be given.</summary>
    public static byte[] ToJson(ReadOnlyMemory<byte> utf8, int maxDepth)
    {
        var root = Load(utf8, maxDepth);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(utf8.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = maxDepth * 2 + 2 }))
        {
            writer.WriteStartObject();
            writer.WritePropertyName(root.LocalName);
            WriteElement(writer, root);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Null when the body is XML a script can be given; else where and why it is not.</summary>
    public static string? DescribeInvalid(ReadOnlyMemory<byte> utf8, int maxDepth)
    {
        try
        {
            _ = Load(utf8, maxDepth);
            return null;
        }
        catch (FormatException ex)
        {
            return ex.Message;
        }
    }

    private static XmlElement Load(ReadOnlyMemory<byte> utf8, int maxDepth)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            MaxCharactersFromEntities = 0,
        };
        var document = new XmlDocument { XmlResolver = null };
        try
        {
            using var stream = new MemoryStream(utf8.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, settings);
            document.Load(reader);
        }
        catch (XmlException ex) when (ex.Message.Contains("DTD", StringComparison.Ordinal))
        {
            throw new FormatException("The document declares a DTD (<!DOCTYPE ...>), which is not accepted.", ex);
        }
        catch (XmlException ex)
        {
            throw new FormatException($"Line {ex.LineNumber}, position {ex.LinePosition}: {ex.Message.Split(" Line ")[0]}", ex);
        }

        var root = document.DocumentElement ?? throw new FormatException("The document has no root element.");
        CheckDepth(root, 1, maxDepth);
        return root;
    }

    private static void CheckDepth(XmlElement element, int depth, int maxDepth)
    {
        if (depth > maxDepth)
        {
            throw new FormatException($"Elements are nested deeper than {maxDepth} levels (at <{element.LocalName}>).");
        }

        foreach (var child in element.ChildNodes.OfType<XmlElement>())
        {
            CheckDepth(child, depth + 1, maxDepth);
        }
    }

    private static void WriteElement(Utf8JsonWriter writer, XmlElement element)
    {
        var children = element.ChildNodes.OfType<XmlElement>().ToList();
        if (children.Count == 0 && element.Attributes.Count == 0)
        {
            writer.WriteStringValue(element.InnerText);
            return;
        }

        writer.WriteStartObject();
        foreach (XmlAttribute attribute in element.Attributes)
        {
            if (attribute.Prefix != "xmlns" && attribute.LocalName != "xmlns")
            {
                writer.WriteString(AttributePrefix + attribute.LocalName, attribute.Value);
            }
        }

        foreach (var group in children.GroupBy(child => child.LocalName, StringComparer.Ordinal))
        {
            writer.WritePropertyName(group.Key);
            if (group.Count() == 1)
            {
                WriteElement(writer, group.First());
                continue;
            }

            writer.WriteStartArray();
            foreach (var child in group)
            {
                WriteElement(writer, child);
            }

            writer.WriteEndArray();
        }

        var text = string.Concat(element.ChildNodes.OfType<XmlNode>().Where(node => node.NodeType is XmlNodeType.Text or XmlNodeType.CDATA).Select(node => node.Value)).Trim();
        if (text.Length > 0)
        {
            writer.WriteString(TextKey, text);
        }

        writer.WriteEndObject();
    }
}
