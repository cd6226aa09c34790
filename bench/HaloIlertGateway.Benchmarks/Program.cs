using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/HaloIlertGateway.Benchmarks -- --filter '*' [--job short]
BenchmarkSwitcher.FromAssembly(typeof(HaloIlertGateway.Benchmarks.TransformEngineBenchmarks).Assembly).Run(args);
