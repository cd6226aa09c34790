using Acornima.Ast;
using HaloIlertGateway.Scripting.Settings;
using Jint;
using Jint.Native;
using Jint.Native.Json;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Interop;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// One Jint engine with a transform loaded: marshals a <see cref="IncomingRequest"/> in and the returned request
/// out. Not thread-safe; <see cref="CompiledTransform"/> pools them, and an engine whose run failed is discarded.
/// </summary>
internal sealed class TransformEngine : IDisposable
{
    // The request and context objects are built as hidden-class objects, as object literals would be: one allocation
    // each, no descriptor or dictionary per member.
    private static readonly JsObjectLayout RequestLayout = new("method", "path", "query", "headers", "params", "body");
    // The context's arrival time and secrets, which few scripts read, are made on the first read.
    private static readonly JsObjectLayout ContextLayout = JsObjectLayout.CreateBuilder()
        .Add("route").Add("transform")
        .AddLazy("receivedAt", static (_, context) => new JsString(IsoUtc(((TransformContext)context!).ReceivedAt)))
        .Add("settings")
        .AddLazy("secrets", static (obj, context) => new LazyStringMap(obj.Engine, ((TransformContext)context!).NamedSecrets))
        .Add("log").Add("drop")
        .Build();
    private readonly Engine _engine;
    private readonly JsValue _transform;
    private readonly JsonParser _parser;
    private readonly SandboxBuiltins _builtins;
    private readonly Helpers.GatewayHelpers _helpers;
    private readonly ClrFunction _log;
    private readonly ClrFunction _drop;
    private readonly JsString _name;
    private readonly RunDeadline _deadline;
    private const int InitialBodyChars = 4096;
    private const int RetainedBodyChars = 64 * 1024;
    private readonly int _maxBodyLength;
    private BoundedJsonWriter _bodyWriter;
    private readonly int _maxLogLength;
    private readonly int _maxJsonDepth;
    private readonly BodyLimits _bodyLimits;
    private JsString _method = JsString.Empty;
    private JsString _route = JsString.Empty;
    private readonly ScriptSettings _settings;
    private TransformRunState? _run;
    private ParsedJson? _runJson;

    public TransformEngine(string name, JintSandbox sandbox, in Prepared<Script> script, SettingsDeclaration? settings)
    {
        _name = new JsString(name);
        _engine = new Engine(sandbox.Options);
        _deadline = _engine.Constraints.Find<RunDeadline>()!;
        _maxBodyLength = sandbox.Limits.MaxStringLength;
        _bodyWriter = NewBodyWriter();
        _maxLogLength = sandbox.Limits.MaxLogLineLength;
        _maxJsonDepth = sandbox.Limits.MaxJsonDepth;
        _bodyLimits = BodyLimits.From(sandbox.Limits);
        _builtins = SandboxBuiltins.Install(_engine, sandbox.Limits);
        _helpers = Helpers.GatewayHelpers.Install(_engine, sandbox.Limits);
        _parser = new JsonParser(_engine);
        _settings = new ScriptSettings(_engine, _parser, settings);
        _log = new ClrFunction(_engine, "log", (_, args) => Log(args));
        _drop = new ClrFunction(_engine, "drop", (_, args) => Drop(args));
        var console = new JsObject(_engine);
        foreach (var level in (ReadOnlySpan<string>)["log", "info", "warn", "error", "debug"])
        {
            console.FastSetDataProperty(level, _log);
        }

        _engine.SetValue("console", console);
        // The script's top level runs once per engine, under the generous load-time limit.
        _deadline.Arm(sandbox.FixtureTimeout);
        try
        {
            _engine.Execute(script);
        }
        finally
        {
            _deadline.Disarm();
        }

        if (!_helpers.IsGlobal)
        {
            throw new TransformContractException($"the script declares or replaces '{Helpers.GatewayHelpers.GlobalName}', the gateway's helpers: give yours another name");
        }

        _transform = _engine.GetValue(TransformContract.FunctionName);
        if (!_transform.IsCallable())
        {
            throw new TransformContractException($"the script does not define a function '{TransformContract.FunctionName}(request, context)'");
        }
    }

    /// <summary>Runs the transform within <paramref name="timeLimit"/>. Returns null when the script dropped the request.</summary>
    public OutgoingRequest? Invoke(IncomingRequest request, TransformContext context, TransformRunState run, TimeSpan timeLimit)
    {
        _run = run;
        // Every limit starts afresh for this run when Jint calls the script (Engine.Call resets the constraints, on this
        // thread): nothing measured since the last run, or while the request is marshalled, counts.
        _deadline.Arm(timeLimit);
        try
        {
            var jsRequest = ToJs(request);
            var result = _engine.Call(_transform, jsRequest, ToJs(context));
            if (result.IsNull())
            {
                return null;
            }

            if (!result.IsObject())
            {
                throw new TransformContractException(
                    $"{TransformContract.FunctionName} must return the request (possibly changed) or null, not {(result.IsUndefined() ? "undefined" : result.Type.ToString().ToLowerInvariant())}");
            }

            return FromJs(result.AsObject(), request, context.ProtectedHeaders);
        }
        finally
        {
            _deadline.Disarm();
            _run = null;
            // A run that assigned the global gw did so for itself; one that made it read-only leaves an engine not run again.
            CanRunAgain = _helpers.RestoreGlobal();
            // The run's parses go back to the pool: a value the script kept reads its text again (ParsedJson).
            _runJson?.Release();
            _runJson = null;
            _builtins.ReleaseParses();
        }
    }

    /// <summary>False once a run left the engine in a state the next script must not see (see <see cref="Helpers.GatewayHelpers.RestoreGlobal"/>).</summary>
    public bool CanRunAgain { get; private set; } = true;

    public void Dispose() => _engine.Dispose();

    private JsObject ToJs(IncomingRequest request) => JsObject.Create(_engine, RequestLayout,
    [
        Reuse(ref _method, request.Method),
        request.Path,
        ToJs(request.Query),
        ToJs(request.Headers),
        ToJs(request.Params),
        request.Body.Kind switch
        {
            TransformBodyKind.Json => LazyJsonObject.ToJs(_engine, _runJson = request.Body.Parsed is { } parsed && parsed.TryTake() ? parsed : ParsedJson.Parse(request.Body.Utf8, _maxJsonDepth)),
            TransformBodyKind.Form => ToJs(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(System.Text.Encoding.UTF8.GetString(request.Body.Utf8.Span))
                .ToDictionary(pair => pair.Key, pair => pair.Value.ToString(), StringComparer.Ordinal)),
            TransformBodyKind.Xml => LazyJsonObject.ToJs(_engine, _runJson = ParsedJson.Parse(request.Body.Converted ?? XmlBody.ToJson(request.Body.Utf8, _bodyLimits), _maxJsonDepth * 2 + 2)),
            TransformBodyKind.Text => System.Text.Encoding.UTF8.GetString(request.Body.Utf8.Span),
            _ => JsValue.Null,
        },
    ]);

    private JsObject ToJs(TransformContext context) => JsObject.Create(_engine, ContextLayout,
        [Reuse(ref _route, context.Route), _name, null!, _settings.For(context.SettingsJson.Span, context.Route), null!, _log, _drop], context);

    /// <summary>The string value of <paramref name="text"/>, the one made for the last run when it is the same text (a route and a method rarely change).</summary>
    private static JsString Reuse(ref JsString last, string text) => string.Equals(last.ToString(), text, StringComparison.Ordinal) ? last : last = new JsString(text);

    /// <summary>An object of strings, each made when the script reads it (headers, query, params, secrets, a form).</summary>
    private LazyStringMap ToJs(IReadOnlyDictionary<string, string> values) => new(_engine, values);

    private OutgoingRequest FromJs(ObjectInstance result, IncomingRequest original, IReadOnlySet<string> routeProtected)
    {
        var method = result.Get(Keys.Method);
        if (!method.IsUndefined() && !string.Equals(TypeConverter.ToString(method), original.Method, StringComparison.OrdinalIgnoreCase))
        {
            throw new TransformContractException("the method cannot be changed");
        }

        var path = result.Get(Keys.Path);
        var newPath = path.IsUndefined() ? original.Path : TypeConverter.ToString(path);
        if (newPath != original.Path)
        {
            TransformContract.ValidatePath(newPath);
        }

        // Headers and query the script left as they came are forwarded as they came: the client's own, checked as such.
        var headers = ReadStrings(result.Get(Keys.Headers), original.Headers, "headers", lowerCaseKeys: true);
        if (!ReferenceEquals(headers, original.Headers))
        {
            TransformContract.CheckProtectedHeaders(original.Headers, headers, routeProtected);
            TransformContract.CheckSetHeaders(original.Headers, headers);
        }

        var query = ReadStrings(result.Get(Keys.Query), original.Query, "query", lowerCaseKeys: false);
        TransformContract.CheckQuery(query);
        var returnedBody = result.Get(Keys.Body);
        var (body, isJson, keys) = ReadBody(returnedBody);
        var (integrationKey, alertKey) = keys ?? (EventKey(returnedBody, Keys.IntegrationKey), EventKey(returnedBody, Keys.AlertKey));
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
        var json = _bodyWriter.WriteUtf8(body, Keys.IntegrationKey, Keys.AlertKey, out var keys)
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
        if (body is not ObjectInstance obj || obj.IsArray() || !obj.Get(Keys.ToJson).IsUndefined())
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

    private static bool IsMissing(JsValue value) => value.IsNull() || value.IsUndefined();

    /// <summary>"2026-11-28T09:14:03.217Z": what <c>toISOString()</c> gives, cut from the round-trip format ("o", which .NET writes without parsing a format string; every run needs one).</summary>
    internal static string IsoUtc(DateTimeOffset time) => string.Create(24, time.UtcDateTime, static (span, utc) =>
    {
        Span<char> roundTrip = stackalloc char[28];
        utc.TryFormat(roundTrip, out _, "o", System.Globalization.CultureInfo.InvariantCulture);
        roundTrip[..23].CopyTo(span);
        span[23] = 'Z';
    });

    private JsValue Log(JsValue[] args)
    {
        _run?.Log(string.Join(' ', args.Select(Describe)));
        return JsValue.Undefined;
    }

    private JsValue Drop(JsValue[] args)
    {
        _run?.Drop(args.Length > 0 && !IsMissing(args[0]) ? TypeConverter.ToString(args[0]) : TransformContract.DefaultDropReason);
        return JsValue.Null;
    }

    private string Describe(JsValue value)
    {
        if (!value.IsObject() || value.IsCallable())
        {
            return TypeConverter.ToString(value);
        }

        // Bounded: a log line is cut at MaxLogLineLength anyway, so a huge object is not written out whole.
        var writer = new BoundedJsonWriter(_engine, _maxLogLength, "a log line");
        try
        {
            return writer.Write(value, JsValue.Undefined, JsValue.Undefined) ?? TypeConverter.ToString(value);
        }
        catch (SandboxLimitException)
        {
            return writer.Written + "…";
        }
    }
}
