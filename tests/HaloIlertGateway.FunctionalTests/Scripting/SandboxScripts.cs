namespace HaloIlertGateway.FunctionalTests.Scripting;

/// <summary>A transform that misbehaves on demand: <c>body.attack</c> picks how; anything else forwards <c>{"ok":true}</c>.</summary>
internal static class SandboxScripts
{
    public const string Attacks = """
        function transform(request, context) {
          switch (request.body.attack) {
            case "loop": while (true) {}
            case "busy": { const items = new Array(200000).fill(1); for (;;) items.reverse(); }
            case "regex": return /^(a+)+$/.test("a".repeat(48) + "!") ? request : request;
            case "memory": { const chunks = []; for (;;) chunks.push("x".repeat(1048576) + chunks.length); }
            case "recursion": { const dive = (n) => dive(n + 1) + 1; return dive(0); }
            case "eval": return eval("request");
            case "function": return new Function("return 1")();
            case "clr": return System.IO.File.ReadAllText("/etc/passwd");
            case "import": return importNamespace("System.IO");
            case "getter": return { get path() { while (true) {} } };
            case "throw": throw new Error("boom");
            case "protected": request.headers["host"] = "evil.example"; return request;
            case "method": request.method = "DELETE"; return request;
            case "path": request.path = "//evil.example/x"; return request;
            case "undefined": return undefined;
            case "settings": context.settings.shared = "changed"; return request;
            default:
              request.body = { ok: true };
              return request;
          }
        }
        """;
}
