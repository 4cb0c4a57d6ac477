namespace Larkway.Cli.Infrastructure;

/// <summary>
/// What a command may touch outside its arguments: the output streams, the environment and standard
/// input. Passed in rather than read from statics so tests can run commands in-process.
/// </summary>
public sealed class CliContext
{
    public CliContext(TextWriter output, TextWriter error, Func<string, string?> environment, TextReader? input = null)
    {
        Output = output;
        Error = error;
        Environment = environment;
        Input = input ?? TextReader.Null;
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public TextReader Input { get; }

    /// <summary>Reads an environment variable (null when unset).</summary>
    public Func<string, string?> Environment { get; }

    public static CliContext FromProcess() =>
        new(Console.Out, Console.Error, System.Environment.GetEnvironmentVariable, Console.In);
}
