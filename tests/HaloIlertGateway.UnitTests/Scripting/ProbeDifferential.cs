using Jint;
using Jint.Native;

namespace HaloIlertGateway.UnitTests.Scripting;

/// <summary>
/// Two ways of giving a script the same value, held to each other: every probe (an expression, or a block that
/// returns, over the value named by the parameter) runs once on each, in a strict engine of its own, and must answer the same.
/// </summary>
internal static class ProbeDifferential
{
    /// <summary>Each probe whose answers differ, with both answers; empty when none does.</summary>
    public static string Differences(IEnumerable<string> probes, string parameter, (string Name, Func<Engine, JsValue> Make) expected, (string Name, Func<Engine, JsValue> Make) actual) =>
        Differences(probes, parameter, (expected.Name, StrictEngine, expected.Make), (actual.Name, StrictEngine, actual.Make));

    /// <summary>The same, each side in engines that <c>NewEngine</c> makes.</summary>
    public static string Differences(IEnumerable<string> probes, string parameter,
        (string Name, Func<Engine> NewEngine, Func<Engine, JsValue> Make) expected, (string Name, Func<Engine> NewEngine, Func<Engine, JsValue> Make) actual) =>
        string.Join("\n", probes
            .Select(probe => (Probe: probe, Expected: Run(probe, parameter, expected.NewEngine, expected.Make), Actual: Run(probe, parameter, actual.NewEngine, actual.Make)))
            .Where(result => result.Expected != result.Actual)
            .Select(result => $"{result.Probe}\n  {expected.Name}: {result.Expected}\n  {actual.Name}: {result.Actual}"));

    /// <summary>What <paramref name="probe"/> answers on the value <paramref name="make"/> gives (named <paramref name="parameter"/>), or the exception it throws.</summary>
    public static string Run(string probe, string parameter, Func<Engine, JsValue> make) => Run(probe, parameter, StrictEngine, make);

    private static string Run(string probe, string parameter, Func<Engine> newEngine, Func<Engine, JsValue> make)
    {
        using var engine = newEngine();
        var function = engine.Evaluate($"({parameter}) => {(probe.StartsWith('{') ? probe : "(" + probe + ")")}");
        try
        {
            return engine.Invoke(function, make(engine)).ToString();
        }
        catch (Exception ex)
        {
            return ex.GetType().Name + ": " + ex.Message;
        }
    }

    private static Engine StrictEngine() => new(options => options.Strict());
}
