using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// Transform runs by transform and outcome (<c>forwarded</c>, <c>dropped</c>, <c>failed</c>, <c>limit</c>) and their
/// duration. Meter <c>HaloIlertGateway.Transforms</c>; tags are names from config, never a key or a payload value.
/// </summary>
internal sealed class TransformMetrics : IDisposable
{
    public const string MeterName = "HaloIlertGateway.Transforms";

    private readonly Meter _meter;
    private readonly Counter<long> _runs;
    private readonly Histogram<double> _duration;

    public TransformMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _runs = _meter.CreateCounter<long>("gateway.transform.runs", unit: "{run}", description: "Transform runs, by transform and outcome.");
        // Buckets in seconds around what a run takes (tens of microseconds to the 250 ms limit): the default buckets
        // are for milliseconds, and every run fell into the first.
        _duration = _meter.CreateHistogram<double>("gateway.transform.duration", unit: "s", description: "Time of one transform run.", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });
    }

    public void Record(string transform, TransformOutcome outcome)
    {
        var result = outcome switch
        {
            TransformOutcome.Forward => "forwarded",
            TransformOutcome.Drop => "dropped",
            TransformOutcome.Fail { Failure.IsLimit: true } => "limit",
            _ => "failed",
        };
        var tags = new TagList { { "transform", transform }, { "outcome", result } };
        _runs.Add(1, tags);
        _duration.Record(outcome.Duration.TotalSeconds, tags);
    }

    public void Dispose() => _meter.Dispose();
}
