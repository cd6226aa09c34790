using BenchmarkDotNet.Running;

// bench/heads-plan.sh runs `heads-plan <PostgreSQL connection string> <folder>`: plans and timings, not BenchmarkDotNet.
if (args is ["heads-plan", .. var rest])
{
    await HaloIlertGateway.Benchmarks.HeadsPlan.RunAsync(rest);
    return;
}

// dotnet run -c Release --project bench/HaloIlertGateway.Benchmarks -- --filter '*' [--job short]
BenchmarkSwitcher.FromAssembly(typeof(HaloIlertGateway.Benchmarks.TransformEngineBenchmarks).Assembly).Run(args);
