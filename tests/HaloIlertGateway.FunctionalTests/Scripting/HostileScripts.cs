namespace HaloIlertGateway.FunctionalTests.Scripting;

/// <summary>One hostile case: what the script does, and the problem the client must get for it.</summary>
/// <param name="Name">The value of <c>body.attack</c> that selects the case.</param>
/// <param name="Code">JavaScript statements run inside <c>transform(request, context)</c>.</param>
/// <param name="Type">The problem type's last part (<c>transform-limit</c>, <c>transform-failed</c>), or <c>forwarded</c> for a case the sandbox makes harmless.</param>
/// <param name="Limits">The limit named (any of, separated by |), or null for a plain failure.</param>
public sealed record HostileCase(string Name, string Code, string Type, string? Limits);

/// <summary>
/// The hostile-script corpus: every way we know of to stop, block, bloat or escape the sandbox, each with the answer
/// the client must get. Run end to end by <see cref="HostileScriptTests"/> against a gateway process.
/// </summary>
public static class HostileScripts
{
    private const string Limit = "transform-limit";
    private const string Failed = "transform-failed";
    public const string Forwarded = "forwarded";

    public static readonly IReadOnlyList<HostileCase> Cases =
    [
        // What the sandbox stopped before: loops, backtracking, allocation, recursion, string compilation, the CLR.
        new("loop", "while (true) {}", Limit, "statements|timeout"),
        new("busy", "const items = new Array(200000).fill(1); for (;;) items.reverse();", Limit, "timeout"),
        new("regex", "return /^(a+)+$/.test('a'.repeat(48) + '!') ? request : request;", Limit, "regex-timeout"),
        new("memory", "const chunks = []; for (;;) chunks.push('x'.repeat(1048576) + chunks.length);", Limit, "memory"),
        new("recursion", "const dive = (n) => dive(n + 1) + 1; return dive(0);", Limit, "recursion"),
        new("getter", "return { get path() { while (true) {} } };", Limit, "statements|timeout"),
        new("eval", "return eval('request');", Failed, null),
        new("function", "return new Function('return 1')();", Failed, null),
        new("clr", "return System.IO.File.ReadAllText('/etc/passwd');", Failed, null),
        new("import-namespace", "return importNamespace('System.IO');", Failed, null),

        // Recursion the per-function limit does not see: each used to end the process with a .NET stack overflow. The
        // stack guard stops it, or the time limit first: unwinding thousands of frames the first time compiles code,
        // and compiling counts as the run's CPU time (as does building a 100,000-deep object). Both are limits.
        new("proxy-get", "const p = new Proxy({}, { get(t, k, r) { return r[k]; } }); return p.x;", Limit, "recursion|timeout"),
        new("proxy-has", "const p = new Proxy({}, { has(t, k) { return k in p; } }); return 'x' in p;", Limit, "recursion|timeout"),
        new("proxy-apply", "const p = new Proxy(function () {}, { apply() { return p(); } }); return p();", Limit, "recursion|timeout"),
        new("to-primitive", "const o = { [Symbol.toPrimitive]() { return +o; } }; return +o;", Limit, "recursion|timeout"),
        new("iterator-spread", "const o = { [Symbol.iterator]() { return [...o][Symbol.iterator](); } }; return [...o];", Limit, "recursion|timeout"),
        new("deep-return", "let o = {}; for (let i = 0; i < 100000; i++) o = { a: o }; request.body = o; return request;", Limit, "recursion|timeout"),
        // A log line is cut at its length limit as it is written, so logging a deep object is harmless (HostileScriptTests
        // reads the line). 20,000 levels are far past the stack of a writer that would recurse to the end, and cheap to
        // build: 100,000 took a fifth of the time limit, and on a machine busy elsewhere it reached the wall-clock backstop.
        new("deep-log", "let o = {}; for (let i = 0; i < 20000; i++) o = { a: o }; context.log(o); request.body = { ok: true }; return request;", Forwarded, null),
        new("deep-stringify", "let o = {}; for (let i = 0; i < 100000; i++) o = { a: o }; return JSON.stringify(o);", Limit, "recursion|timeout"),
        new("deep-string", "let o = []; for (let i = 0; i < 100000; i++) o = [o]; return String(o);", Limit, "recursion|timeout"),

        // One built-in call that would allocate gigabytes or run for minutes before any statement-level check.
        new("repeat", "return 'a'.repeat(2 ** 28);", Limit, "string-length"),
        new("pad", "return 'a'.padStart(2 ** 29, 'b');", Limit, "string-length"),
        new("nested-string", "let a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]; for (let i = 0; i < 10; i++) a = [a, a, a, a, a, a, a, a, a, a]; return String(a);", Limit, "string-length"),
        new("nested-stringify", "let a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]; for (let i = 0; i < 10; i++) a = [a, a, a, a, a, a, a, a, a, a]; return JSON.stringify(a);", Limit, "string-length"),
        new("nested-body", "let a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]; for (let i = 0; i < 10; i++) a = [a, a, a, a, a, a, a, a, a, a]; request.body = a; return request;", Limit, "string-length"),
        new("join", "return new Array(100000).join('x'.repeat(100));", Limit, "string-length"),
        new("flat", "const b = [...Array(1000).keys()]; return Array(100000).fill(b).flat(Infinity);", Limit, "array-length"),
        new("flat-cycle", "const a = [1]; a.push(a); return a.flat(Infinity);", Limit, "array-length"),
        // Spreading 100,000 keys and copying them run a while before the array limit: on a crowded machine the
        // wall-clock backstop can come first (a loop run at load ~6 on two cores).
        new("flat-map", "const b = [...Array(100000).keys()]; return Array(1000).fill(0).flatMap(() => b);", Limit, "array-length|timeout"),
        new("concat", "const b = Array(100000).fill(0); return b.concat(b, b, b, b, b, b, b, b, b, b, b);", Limit, "array-length"),
        new("string-concat", "const s = 'x'.repeat(1000000); return s.concat(s, s, s, s);", Limit, "string-length"),
        // Counted as the replacements are made (a call each): 50 ms of them before the memory limit on an idle machine,
        // so on a crowded one the wall-clock backstop can come first.
        new("replace-all", "return 'a'.repeat(1000000).replaceAll('a', 'bbbbbbbbbb');", Limit, "string-length|memory|timeout"),
        new("replace-dollar", "return 'a'.repeat(1000000).replace(/a/g, '$`');", Limit, "string-length"),
        new("upper-case", "return 'ß'.repeat(2000000).toUpperCase();", Limit, "string-length"),
        new("encode", "return encodeURIComponent('é'.repeat(1000000));", Limit, "string-length"),

        // Built-ins a transform cannot have: they cannot be bounded from outside (BigInt arithmetic is an operator).
        new("bigint", "let x = BigInt(3); for (let i = 0; i < 30; i++) x = x * x; return request;", Failed, null),
        new("typed-array", "return new Uint8Array(2 ** 30);", Failed, null),
        new("array-buffer", "return new ArrayBuffer(2 ** 30);", Failed, null),
        new("shadow-realm", "return new ShadowRealm().importValue('x', 'y');", Failed, null),

        // The output contract, the same on every path: headers that would split the request, paths that escape.
        new("header-crlf", "request.headers['x-note'] = 'a\\r\\nPOST /admin HTTP/1.1'; return request;", Failed, null),
        new("header-lf", "request.headers['x-note'] = 'a\\nb'; return request;", Failed, null),
        new("header-nul", "request.headers['x-note'] = 'a\\u0000b'; return request;", Failed, null),
        new("header-non-ascii", "request.headers['x-note'] = 'café'; return request;", Failed, null),
        new("header-name", "request.headers['x note:'] = 'a'; return request;", Failed, null),
        new("query-lone-surrogate", "request.query.q = 'a\\ud800'; return request;", Failed, null),
        new("path-dots", "request.path = '/api/%2e%2e/%2e%2e/admin'; return request;", Failed, null),
        new("path-dots-mixed", "request.path = '/api/.%2E/admin'; return request;", Failed, null),
        new("path-encoded-slash", "request.path = '/api/a%2Fb'; return request;", Failed, null),
        new("path-nul", "request.path = '/api/a%00b'; return request;", Failed, null),
        new("path-non-ascii", "request.path = '/api/café'; return request;", Failed, null),
        new("protected-header", "request.headers['host'] = 'evil.example'; return request;", Failed, null),
        new("method", "request.method = 'DELETE'; return request;", Failed, null),
        new("path-host", "request.path = '//evil.example/x'; return request;", Failed, null),
        new("undefined", "return undefined;", Failed, null),
        new("throw", "throw new Error('boom');", Failed, null),

        // A key shown in a derived form must still be masked wherever the failure is reported.
        new("key-upper", "throw new Error('bad key ' + request.params.integrationKey.toUpperCase());", Failed, null),
        new("key-encoded", "throw new Error('bad key ' + encodeURIComponent(request.params.integrationKey));", Failed, null),
    ];

    /// <summary>One transform holding every case, chosen by <c>body.attack</c>; anything else forwards <c>{"ok":true}</c>.</summary>
    public static string Script =>
        $$"""
        function transform(request, context) {
          switch (request.body.attack) {
        {{string.Join("\n", Cases.Select(c => $"    case {System.Text.Json.JsonSerializer.Serialize(c.Name)}: {{ {c.Code} }}"))}}
            default:
              request.body = { ok: true };
              return request;
          }
        }
        """;

    /// <summary>Transforms the gateway must refuse when it loads them, without failing to start or stopping.</summary>
    public static readonly IReadOnlyDictionary<string, string> Unloadable = new Dictionary<string, string>
    {
        ["dynamic-import"] = "import('x');\nfunction transform(request) { return request; }",
        ["import-in-body"] = "function transform(request) { return import('x'); }",
        ["bigint-literal"] = "function transform(request) { let x = 3n; return request; }",
        // A generator that delegates to itself overflowed the host's stack, which ends the process: refused at load.
        ["yield-star"] = "function transform(request) { function* g() { yield* g(); } return [...g()]; }",
        ["generator-loop"] = "function transform(request) { const g = function* () { for (const x of g()) yield x; }; return [...g()]; }",
        ["generator-method"] = "const o = { *items() { yield 1; } };\nfunction transform(request) { return request; }",
        ["realm-at-load"] = "new ShadowRealm().importValue('x', 'y');\nfunction transform(request) { return request; }",
        ["repeat-at-load"] = "const big = 'a'.repeat(2 ** 28);\nfunction transform(request) { return request; }",
        ["recursion-at-load"] = "const p = new Proxy({}, { get(t, k, r) { return r[k]; } }); p.x;\nfunction transform(request) { return request; }",
    };
}
