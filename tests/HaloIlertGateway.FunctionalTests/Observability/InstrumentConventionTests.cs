using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using HaloIlertGateway.Tests.Infrastructure;

namespace HaloIlertGateway.FunctionalTests.Observability;

/// <summary>The gateway's own instruments follow OpenTelemetry's naming rules: dotted lower-case names, a UCUM unit (or a {count} annotation), durations in seconds.</summary>
public sealed partial class InstrumentConventionTests
{
    [Fact]
    public async Task EveryInstrumentHasAConventionalNameAndAUnit()
    {
        var instruments = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name.StartsWith("HaloIlertGateway.", StringComparison.Ordinal))
                {
                    lock (instruments)
                    {
                        instruments.Add(instrument);
                    }
                }
            },
        };
        listener.Start();
        await using var harness = await GatewayHarness.CreateAsync();
        _ = harness.Client;

        List<Instrument> seen;
        lock (instruments)
        {
            seen = [.. instruments.DistinctBy(i => i.Name)];
        }

        Assert.True(seen.Count >= 8, $"only {seen.Count} instruments published");
        Assert.All(seen, instrument =>
        {
            Assert.Matches(Name(), instrument.Name);
            Assert.False(string.IsNullOrEmpty(instrument.Unit), $"{instrument.Name} has no unit");
            Assert.DoesNotMatch(UnitInName(), instrument.Name);
            Assert.False(string.IsNullOrEmpty(instrument.Description), $"{instrument.Name} has no description");
            if (instrument.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal) || instrument.Name.EndsWith("age", StringComparison.Ordinal))
            {
                Assert.Equal("s", instrument.Unit);
            }
        });
    }

    [GeneratedRegex(@"^gateway(\.[a-z][a-z_]*)+$")]
    private static partial Regex Name();

    [GeneratedRegex(@"(seconds|millis|_ms|_total|_count)$")]
    private static partial Regex UnitInName();
}
