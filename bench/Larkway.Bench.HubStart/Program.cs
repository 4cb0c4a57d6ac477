// Starts the sandbox Hub in this process again and again, each time on a fresh data folder (a new database, Emulator and
// first-start secrets), as the Integration tests' HubSandbox does hundreds of times a run, and prints the wall time and
// this process's CPU time per start once the first starts have warmed the JIT up. Usage: [starts] [warm-up starts].
using System.Diagnostics;
using System.Globalization;
using Larkway.Hub;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

var starts = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 30;
var warmUp = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
var process = Process.GetCurrentProcess();

// Each first start tells standard output where its secrets went; only the result line is for the reader.
var stdout = Console.Out;
Console.SetOut(TextWriter.Null);
var walls = new List<double>();
var cpus = new List<double>();

for (var i = 0; i < warmUp + starts; i++)
{
    var folder = Directory.CreateTempSubdirectory("larkway-hub-start-").FullName;
    var settings = new Dictionary<string, string?>
    {
        ["urls"] = "http://127.0.0.1:0",
        ["LARKWAY_EMULATOR_PORT"] = "0",
        ["LARKWAY_EMULATOR_STATE_FILE"] = Path.Combine(folder, "emulator-state.json"),
        ["Larkway:Storage:ConnectionString"] = $"Data Source={Path.Combine(folder, "larkway.db")}",
        ["Larkway:AdminKey"] = "bench-admin-key-0123456789",
        ["Larkway:Bootstrap:SecretsFile"] = Path.Combine(folder, "first-start-secrets.txt"),
        ["Larkway:Sandbox:People"] = "false",
        ["Larkway:Sandbox:Assistant"] = "false",
        ["Larkway:Sandbox:WeComAiBot"] = "false",
    };

    process.Refresh();
    var cpu = process.TotalProcessorTime;
    var wall = Stopwatch.StartNew();
    var hub = await HubApp.StartAsync([], builder =>
    {
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
    });
    wall.Stop();
    process.Refresh();
    if (i >= warmUp)
    {
        walls.Add(wall.Elapsed.TotalMilliseconds);
        cpus.Add((process.TotalProcessorTime - cpu).TotalMilliseconds);
    }

    await hub.DisposeAsync();
    Directory.Delete(folder, recursive: true);
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}

stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{starts} starts after {warmUp} to warm up: wall median {Median(walls):F0} ms (mean {walls.Average():F0}), CPU median {Median(cpus):F0} ms (mean {cpus.Average():F0}); DOTNET_TieredPGO={Environment.GetEnvironmentVariable("DOTNET_TieredPGO") ?? "unset"}"));
