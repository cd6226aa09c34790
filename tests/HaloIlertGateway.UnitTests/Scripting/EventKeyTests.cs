using HaloIlertGateway.Scripting;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.UnitTests.Scripting;

/// <summary>The event's keys (the outbox files an event under them) come from the body object the script returned.</summary>
public sealed class EventKeyTests
{
    [Theory]
    [InlineData("{ integrationKey: 'il1hps-a', alertKey: 'ticket-1', summary: 's' }", "il1hps-a", "ticket-1")]
    [InlineData("{ summary: 'no keys' }", null, null)]
    [InlineData("{ integrationKey: 42, alertKey: null }", null, null)]
    [InlineData("[{ alertKey: 'in an array' }]", null, null)]
    [InlineData("'{\"alertKey\":\"a string body is not read\"}'", null, null)]
    [InlineData("{ alertKey: 'shown', toJSON() { return { alertKey: 'written' }; } }", null, null)]
    [InlineData("Object.defineProperty({}, 'alertKey', { get() { return 'getter'; }, enumerable: true })", null, null)]
    [InlineData("Object.defineProperty({}, 'alertKey', { value: 'hidden', enumerable: false })", null, null)]
    [InlineData("{ alertKey: 'shown', toJSON: 'not a function' }", null, null)]
    [InlineData("{ alertKey: new String('a wrapper'), integrationKey: 'il1hps-a' }", "il1hps-a", null)]
    [InlineData("Object.assign(Object.create({ alertKey: 'inherited' }), { integrationKey: 'own' })", "own", null)]
    [InlineData("{ integrationKey: 'il1hps-a', alertKey: 'ticket-1', [Symbol('s')]: 'x', 0: 'index first' }", "il1hps-a", "ticket-1")]
    // A member written later changes one already written: the key is the one the JSON has.
    [InlineData("(() => { const b = { alertKey: 'written', later: { toJSON() { b.alertKey = 'changed'; b.integrationKey = 'added'; return 1; } } }; return b; })()", null, "written")]
    public void TheKeysAreTheTopLevelStringsTheWrittenBodyHas(string body, string? integrationKey, string? alertKey)
    {
        var script = ScriptTestKit.Compile("keys", $"function transform(request) {{ request.body = {body}; return request; }}");

        var outcome = ScriptTestKit.Runner.Run(script, ScriptTestKit.JsonRequest("{}"), ScriptTestKit.Context("keys"));

        var forward = Assert.IsType<TransformOutcome.Forward>(outcome);
        Assert.Equal((integrationKey, alertKey), (forward.Request.IntegrationKey, forward.Request.AlertKey));
    }
}
