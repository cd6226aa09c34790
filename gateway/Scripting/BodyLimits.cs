namespace HaloIlertGateway.Scripting;

/// <summary>
/// What making a body into the value a script reads may cost, before the script runs: nesting (<see cref="MaxDepth"/>),
/// XML elements and attributes or form fields (<see cref="MaxNodes"/>) and the CPU time of the conversion
/// (<see cref="CpuBudget"/>, the run's own limit).
/// </summary>
internal sealed record BodyLimits(int MaxDepth, int MaxNodes, TimeSpan CpuBudget)
{
    public static BodyLimits From(ScriptingOptions options) =>
        new(options.MaxJsonDepth, options.MaxBodyNodes, TimeSpan.FromMilliseconds(options.TimeoutMilliseconds));
}
