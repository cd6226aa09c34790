using Jint;
using Jint.Native;
using Jint.Runtime;

namespace HaloIlertGateway.Scripting.Sandbox;

/// <summary>
/// The JSON side: <c>JSON.stringify</c> written by the <see cref="BoundedJsonWriter"/>, and <c>JSON.parse</c> read
/// as a request body is.
/// </summary>
internal sealed partial class SandboxBuiltins
{
    /// <summary>
    /// The longest text <see cref="Parse"/> reads itself: at most about 1.5 MB allocated in one call (the UTF-8, the
    /// document, and an array of every value), where a webhook's embedded payload is a few kilobytes.
    /// </summary>
    internal const int LazyParseMaxLength = 64 * 1024;

    /// <summary>
    /// <c>JSON.parse</c> of a string without a reviver, read the way a JSON request body is: parsed by System.Text.Json
    /// and made into script values where the script reads them (<see cref="LazyJsonObject"/>, which answers every probe
    /// as the object <c>JSON.parse</c> gives). Jint's own parser allocates over 13 KB in this sandbox even for a text of
    /// 27 characters, and takes about four times as long (bench/RESULTS.md).
    /// Anything else (a reviver, a value that is not a string, a text that is not JSON, too deep, or holds a lone
    /// surrogate) goes to Jint's parser, which gives the language's answer or its <c>SyntaxError</c>. So does a text
    /// longer than <see cref="LazyParseMaxLength"/>: Jint's parser checks the memory limit as it goes, while this one
    /// allocates the whole document (and any array in it) in one call, before the next check.
    /// </summary>
    private JsValue Parse(JsValue original, JsValue self, JsValue[] args)
    {
        if (args.At(0) is JsString { Length: <= LazyParseMaxLength } text && !args.At(1).IsCallable() && JsonText.TryParse(text.ToString(), _maxJsonDepth) is { } parsed)
        {
            _parses.Add(parsed);
            return LazyJsonObject.ToJs(_engine, parsed);
        }

        return Call(original, self, args);
    }

    private JsValue Stringify(JsValue[] args) =>
        new BoundedJsonWriter(_engine, _maxString, "JSON.stringify's result").Write(args.At(0), args.At(1), args.At(2)) is { } json ? json : JsValue.Undefined;
}
