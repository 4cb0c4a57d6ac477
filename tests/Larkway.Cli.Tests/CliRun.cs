using Larkway.Cli;
using Larkway.Cli.Infrastructure;

namespace Larkway.Cli.Tests;

/// <summary>Runs the larkway command tree in-process, capturing what it prints.</summary>
internal static class CliRun
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var env = environment ?? new Dictionary<string, string>();
        var context = new CliContext(output, error, name => env.TryGetValue(name, out var value) ? value : null);
        var exit = await CliApp.RunAsync(args, context);
        return new Result(exit, output.ToString(), error.ToString());
    }

    public static Task<Result> RunAsync(params string[] args) => RunAsync(null, args);
}
