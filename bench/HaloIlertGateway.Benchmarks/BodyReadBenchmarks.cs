using System.Text;
using BenchmarkDotNet.Attributes;
using HaloIlertGateway.Scripting;
using HaloIlertGateway.Scripting.Sandbox;
using Jint;
using Jint.Native;
using Jint.Native.Json;

namespace HaloIlertGateway.Benchmarks;

/// <summary>
/// A JSON body made into the script's value and read as a transform reads it, side by side: Jint's <c>JSON.parse</c>
/// (every member made, as before) against <see cref="LazyJsonObject"/> (members made when read). On the HaloPSA sample
/// (820 bytes, 14 members read) and on a Jira-shaped webhook of the size Jira Cloud sends (an issue with ~160 custom
/// fields, two users, five comments: 16 KB, 12 members read).
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet needs an unsealed class; the engine is disposed in GlobalCleanup.
public class BodyReadBenchmarks
{
    private Engine _engine = null!;
    private JsonParser _parser = null!;
    private JsValue _read = null!;
    private byte[] _body = null!;

    [Params("halopsa", "jira-large")]
    public string Body { get; set; } = "halopsa";

    [GlobalSetup]
    public void Setup()
    {
        _engine = new Engine(JintSandbox.Create(new ScriptingOptions()).Options);
        _parser = new JsonParser(_engine);
        (_body, var read) = Body == "halopsa"
            ? (BenchmarkInputs.SampleBody("new-ticket"),
                "b => { const t = b.ticket; return [t.id, t.status.id, t.status.name, t.tickettype.id, t.tickettype.name, t.priority.id, t.priority.name, t.client_name, t.summary, t.details, t.dateclosed, t.site_name, t.team, t.agent.name].length; }")
            : (LargeJiraWebhook(),
                "b => { const i = b.issue; const f = i.fields; return [i.key, i.id, f.summary, f.description, f.status.name, f.priority.name, f.issuetype.name, f.assignee, f.reporter.displayName, f.project.key, f.resolution, f.labels].length; }");
        _read = _engine.Evaluate(read);
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.Dispose();

    [Benchmark(Baseline = true)]
    public JsValue JsonParse() => _engine.Invoke(_read, _parser.Parse(_body));

    [Benchmark]
    public JsValue Lazy() => _engine.Invoke(_read, LazyJsonObject.Parse(_engine, _body, 64));

    private static byte[] LargeJiraWebhook()
    {
        const string user = """{"self":"https://example.atlassian.net/rest/api/2/user?accountId=5b10ac8d82e05b22cc7d4ef5","accountId":"5b10ac8d82e05b22cc7d4ef5","avatarUrls":{"48x48":"https://avatar.example/JD-48.png","24x24":"https://avatar.example/JD-24.png","16x16":"https://avatar.example/JD-16.png","32x32":"https://avatar.example/JD-32.png"},"displayName":"Jane Doe","active":true,"timeZone":"Europe/London","accountType":"atlassian"}""";
        var json = new StringBuilder("""{"timestamp":1764400443217,"webhookEvent":"jira:issue_updated","issue_event_type_name":"issue_generic","user":""").Append(user)
            .Append(""","issue":{"id":"10042","self":"https://example.atlassian.net/rest/api/2/10042","key":"OPS-42","fields":{""")
            .Append(""" "summary":"Exchange server not responding","description":"Users report Outlook disconnected since 09:12.","status":{"name":"In Progress","statusCategory":{"key":"indeterminate"}},"priority":{"name":"High","id":"2"},"issuetype":{"name":"Incident"},"project":{"key":"OPS","name":"Operations"},"assignee":null,"resolution":null,"labels":["exchange"],"reporter":""").Append(user).Append(",\"creator\":").Append(user);
        for (var i = 0; i < 160; i++)
        {
            json.Append($",\"customfield_{10000 + i}\":").Append(i % 3 == 0 ? $$"""{"self":"https://example.atlassian.net/rest/api/2/customFieldOption/{{i}}","value":"Option {{i}}","id":"{{i}}"}""" : "null");
        }

        json.Append(""","comment":{"comments":[""").AppendJoin(',', Enumerable.Repeat($$"""{"body":"{{new string('x', 200)}}","author":{{user}}}""", 5))
            .Append("""],"total":5}}},"changelog":{"id":"10001","items":[{"field":"status","fromString":"Open","toString":"In Progress"}]}}""");
        return Encoding.UTF8.GetBytes(json.ToString());
    }
}
