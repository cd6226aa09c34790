using HaloIlertGateway.Scripting.Sandbox;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// The request a script returned, read back from its engine into an <see cref="OutgoingRequest"/> and checked against
/// the contract (<see cref="TransformContract"/>): method unchanged, path, headers and query valid, the body written as
/// JSON within the length limit with its event keys read as it is written. One per <see cref="TransformEngine"/>, whose
/// thread it shares.
/// </summary>
internal sealed class ReturnedRequestReader
{
    private const int InitialBodyChars = 4096;
    private const int RetainedBodyChars = 64 * 1024;
    private readonly Engine _engine;
    private readonly int _maxBodyLength;
    private BoundedJsonWriter _bodyWriter;

    public ReturnedRequestReader(Engine engine, int maxBodyLength)
    {
        (_engine, _maxBodyLength) = (engine, maxBodyLength);
        _bodyWriter = NewBodyWriter();
    }

    /// <summary>Null and undefined: a member left out.</summary>
    public static bool IsMissing(JsValue value) => value.IsNull() || value.IsUndefined();

    /// <summary>The request <paramref name="result"/> describes, checked against the contract; throws <see cref="TransformContractException"/>.</summary>
    public OutgoingRequest Read(ObjectInstance result, IncomingRequest original, IReadOnlySet<string> routeProtected)
    {
        var method = result.Get(PropertyNames.Method);
        if (!method.IsUndefined() && !string.Equals(TypeConverter.ToString(method), original.Method, StringComparison.OrdinalIgnoreCase))
        {
            throw new TransformContractException("the method cannot be changed");
        }

        var path = result.Get(PropertyNames.Path);
        var newPath = path.IsUndefined() ? original.Path : TypeConverter.ToString(path);
        if (newPath != original.Path)
        {
            TransformContract.ValidatePath(newPath);
        }

        // Headers and query the script left as they came are forwarded as they came: the client's own, checked as such.
        var headers = ReadStrings(result.Get(PropertyNames.Headers), original.Headers, "headers", lowerCaseKeys: true);
        if (!ReferenceEquals(headers, original.Headers))
        {
            TransformContract.CheckProtectedHeaders(original.Headers, headers, routeProtected);
            TransformContract.CheckSetHeaders(original.Headers, headers);
        }

        var query = ReadStrings(result.Get(PropertyNames.Query), original.Query, "query", lowerCaseKeys: false);
        TransformContract.CheckQuery(query);
        var returnedBody = result.Get(PropertyNames.Body);
        var (body, isJson, keys) = ReadBody(returnedBody);
        var (integrationKey, alertKey) = keys ?? (EventKey(returnedBody, PropertyNames.IntegrationKey), EventKey(returnedBody, PropertyNames.AlertKey));
        return new OutgoingRequest(newPath, query, headers, body, isJson, integrationKey, alertKey);
    }

    /// <summary>The body as sent, and its event keys when the writer could read them as it wrote it.</summary>
    private (byte[]? Body, bool IsJson, (string?, string?)? Keys) ReadBody(JsValue body)
    {
        if (body.IsUndefined())
        {
            return (null, false, null);
        }

        if (body.IsString())
        {
            return (System.Text.Encoding.UTF8.GetBytes(body.AsString()), false, null);
        }

        // One writer and text buffer per engine, reused run after run; a rare large body does not stay pinned to a pooled engine.
        var json = _bodyWriter.WriteUtf8(body, PropertyNames.IntegrationKey, PropertyNames.AlertKey, out var keys)
            ?? throw new TransformContractException("the body cannot be written as JSON");
        if (_bodyWriter.Capacity > RetainedBodyChars)
        {
            _bodyWriter = NewBodyWriter();
        }

        return (json, true, keys);
    }

    private BoundedJsonWriter NewBodyWriter() => new(_engine, _maxBodyLength, "the returned body", new System.Text.StringBuilder(InitialBodyChars));

    /// <summary>
    /// A top-level string member of a body object as its JSON has it: own, enumerable, data (no getter runs), no
    /// <c>toJSON</c>. Asked of the object when the writer could not read it as it wrote it (an object with a getter or a
    /// member defined otherwise, or one written straight from the request's JSON).
    /// </summary>
    private static string? EventKey(JsValue body, JsString name)
    {
        if (body is not ObjectInstance obj || obj.IsArray() || !obj.Get(PropertyNames.ToJson).IsUndefined())
        {
            return null;
        }

        var property = obj.GetOwnProperty(name);
        return property.IsDataDescriptor() && property.Enumerable && property.Value.IsString() ? property.Value.AsString() : null;
    }

    /// <summary>
    /// The strings a returned member holds: <paramref name="given"/> itself when it is the view of it the script was
    /// given, unchanged; else read from the object (null and undefined members left out).
    /// </summary>
    private static IReadOnlyDictionary<string, string> ReadStrings(JsValue value, IReadOnlyDictionary<string, string> given, string what, bool lowerCaseKeys)
    {
        if (value is LazyStringMap view && view.IsUntouchedView(given))
        {
            return given;
        }

        var comparer = lowerCaseKeys ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        if (IsMissing(value))
        {
            return new Dictionary<string, string>(comparer);
        }

        if (!value.IsObject())
        {
            throw new TransformContractException($"request.{what} must be an object of strings");
        }

        var strings = new Dictionary<string, string>(comparer);
        var obj = value.AsObject();
        foreach (var key in obj.GetOwnPropertyKeys(Types.String))
        {
            var item = obj.Get(key);
            if (IsMissing(item))
            {
                continue;
            }

            var name = key.AsString();
            strings[lowerCaseKeys ? Http.HeaderSyntax.LowerCaseName(name) : name] = TypeConverter.ToString(item);
        }

        return strings;
    }
}
