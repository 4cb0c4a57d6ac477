using System.Globalization;

namespace Larkway.Hub.Platform.Auth;

/// <summary>Where a secret the Hub generates on its first start is shown.</summary>
internal enum HubSecretOutput
{
    /// <summary><see cref="Terminal"/> when standard output is a terminal, else <see cref="File"/>.</summary>
    Auto,

    /// <summary>Printed on standard output, for the person who started the Hub.</summary>
    Terminal,

    /// <summary>Written to a file only its owner may read; standard output names the file.</summary>
    File,
}

/// <summary>
/// One-time messages for the operator on standard output, and the secrets the Hub generates on a first start (the
/// admin key, the console password). Standard output that is not a terminal is usually collected as a log, as the
/// loggers' own lines are, so by default a secret is printed only to a terminal and otherwise written to
/// <see cref="SecretsFile"/> (created readable by its owner alone), with one line naming the file in its place.
/// </summary>
internal sealed class HubConsole
{
    /// <summary>The configuration key of <see cref="HubSecretOutput"/> (<c>Larkway__Bootstrap__SecretOutput</c>).</summary>
    public const string OutputSetting = "Larkway:Bootstrap:SecretOutput";

    /// <summary>The configuration key of the secrets file's path (<c>Larkway__Bootstrap__SecretsFile</c>).</summary>
    public const string FileSetting = "Larkway:Bootstrap:SecretsFile";

    /// <summary>Where the secrets file goes unless configured: beside the default SQLite database.</summary>
    public const string DefaultSecretsFile = "./data/first-start-secrets.txt";

    private readonly bool _toTerminal;

    /// <summary>Standard output, secrets shown as <paramref name="output"/> (and whether it is a terminal) decide.</summary>
    public HubConsole(HubSecretOutput output = HubSecretOutput.Auto, string? secretsFile = null)
        : this(Console.Out, output switch
        {
            HubSecretOutput.Terminal => true,
            HubSecretOutput.File => false,
            _ => !Console.IsOutputRedirected,
        }, secretsFile)
    {
    }

    /// <summary>A given writer; <paramref name="isTerminal"/> says whether secrets may be printed on it.</summary>
    public HubConsole(TextWriter output, bool isTerminal = true, string? secretsFile = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        Out = output;
        _toTerminal = isTerminal;
        SecretsFile = Path.GetFullPath(string.IsNullOrEmpty(secretsFile) ? DefaultSecretsFile : secretsFile);
    }

    /// <summary>Standard output (or the test's writer).</summary>
    public TextWriter Out { get; }

    /// <summary>The file secrets go to when standard output is not a terminal.</summary>
    public string SecretsFile { get; }

    /// <summary>
    /// Shows <paramref name="secret"/> once, labelled <paramref name="label"/>, followed by <paramref name="hint"/>;
    /// returns where it went ("standard output", or the file), for the log line that says so.
    /// </summary>
    public async Task<string> ShowSecretAsync(string label, string secret, string hint, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        ArgumentException.ThrowIfNullOrEmpty(secret);
        string shownAt;
        if (_toTerminal)
        {
            await Out.WriteLineAsync($"{label} (shown only this once; store it now): {secret}").ConfigureAwait(false);
            shownAt = "standard output";
        }
        else
        {
            await AppendToFileAsync(label, secret, cancellationToken).ConfigureAwait(false);
            await Out.WriteLineAsync($"{label}: written to {SecretsFile} (readable by this user only), not printed, since standard output is not a terminal and may be collected as a log. Delete the file once you have stored it.").ConfigureAwait(false);
            shownAt = SecretsFile;
        }

        await Out.WriteLineAsync(hint).ConfigureAwait(false);
        await Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        return shownAt;
    }

    /// <summary>
    /// Shows lines that carry secrets (e.g. <c>export</c> lines to paste) under <paramref name="label"/>: printed on a terminal,
    /// else appended to <see cref="SecretsFile"/> with one line naming it in their place.
    /// </summary>
    public async Task ShowSecretLinesAsync(string label, IReadOnlyList<string> lines, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        ArgumentNullException.ThrowIfNull(lines);
        if (_toTerminal)
        {
            await Out.WriteLineAsync(label + ":").ConfigureAwait(false);
            foreach (var line in lines)
            {
                await Out.WriteLineAsync(line).ConfigureAwait(false);
            }
        }
        else
        {
            await AppendToFileAsync(label, Environment.NewLine + string.Join(Environment.NewLine, lines), cancellationToken).ConfigureAwait(false);
            await Out.WriteLineAsync($"{label}: written to {SecretsFile} (readable by this user only), not printed, since standard output is not a terminal and may be collected as a log.").ConfigureAwait(false);
        }

        await Out.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task AppendToFileAsync(string label, string secret, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(SecretsFile)!);
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Applies when the file is created; an existing file keeps the mode it was created with.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var stream = new FileStream(SecretsFile, options);
        await using (stream.ConfigureAwait(false))
        {
            var writer = new StreamWriter(stream);
            await using (writer.ConfigureAwait(false))
            {
                var line = string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:u} {label}: {secret}");
                await writer.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
