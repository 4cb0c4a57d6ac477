using Larkway.Cli;
using Larkway.Cli.Infrastructure;

namespace Larkway.Cli.Tests;

/// <summary>Runs the larkway command tree in-process, capturing what it prints.</summary>
internal static class CliRun
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Task<Result> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        RunWithInputAsync(environment, input: null, args);

    /// <summary>Runs with <paramref name="input"/> as standard input.</summary>
    public static async Task<Result> RunWithInputAsync(IReadOnlyDictionary<string, string>? environment, string? input, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var stdin = new StringReader(input ?? string.Empty);
        var env = environment ?? new Dictionary<string, string>();
        var context = new CliContext(output, error, name => env.TryGetValue(name, out var value) ? value : null, stdin);
        var exit = await CliApp.RunAsync(args, context);
        return new Result(exit, output.ToString(), error.ToString());
    }

    public static Task<Result> RunAsync(params string[] args) => RunAsync(null, args);
}
