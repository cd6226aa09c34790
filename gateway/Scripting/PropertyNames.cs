using Jint.Native;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// The property names the gateway's own code reads from script values, made once: a string given where Jint takes a
/// key becomes a new value on every call. Immutable, so shared by every engine.
/// </summary>
internal static class PropertyNames
{
    public static readonly JsString Length = new("length");
    public static readonly JsString ToJson = new("toJSON");
    public static readonly JsString Id = new("id");
    public static readonly JsString Name = new("name");

    // A returned request's members, and its event's keys.
    public static readonly JsString Method = new("method");
    public static readonly JsString Path = new("path");
    public static readonly JsString Headers = new("headers");
    public static readonly JsString Query = new("query");
    public static readonly JsString Body = new("body");
    public static readonly JsString IntegrationKey = new("integrationKey");
    public static readonly JsString AlertKey = new("alertKey");
}
