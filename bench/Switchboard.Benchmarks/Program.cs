using System.Globalization;
using BenchmarkDotNet.Running;
using Switchboard.Benchmarks;

// `load [leads] [clients]` runs the HTTP load harness, `import [rows] [postgres server]` the CSV import harness,
// `claims [leads] [clients]` the pool claim harness;
// anything else goes to BenchmarkDotNet.
if (args is ["load", ..])
{
    var leads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000;
    var clients = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 16;
    return await LoadHarness.RunAsync(leads, clients);
}

if (args is ["import", ..])
{
    return await ImportHarness.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000, args.Length > 2 ? args[2] : null);
}

if (args is ["claims", ..])
{
    var leads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4000;
    var clients = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 16;
    return await ClaimHarness.RunAsync(leads, clients);
}

BenchmarkSwitcher.FromAssembly(typeof(RoutingBenchmarks).Assembly).Run(args);
return 0;
