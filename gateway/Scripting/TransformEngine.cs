using Acornima.Ast;
using HaloIlertGateway.Scripting.Sandbox;
using HaloIlertGateway.Scripting.Settings;
using Jint;
using Jint.Native;
using Jint.Native.Json;
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
    private readonly ReturnedRequestReader _returned;
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
        _returned = new ReturnedRequestReader(_engine, sandbox.Limits.MaxStringLength);
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

            return _returned.Read(result.AsObject(), request, context.ProtectedHeaders);
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
        _run?.Drop(args.Length > 0 && !ReturnedRequestReader.IsMissing(args[0]) ? TypeConverter.ToString(args[0]) : TransformContract.DefaultDropReason);
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
