using System.Globalization;
using Microsoft.Extensions.Logging;

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
/// With <c>Larkway:Logging:Format=json</c> standard output is a log by definition: every notice is then a log event
/// (<see cref="Log"/>) instead of a plain line, and secrets always go to the file.
/// Outside the sandbox the file is a hand-over: read it, store the secrets, delete it. In the sandbox it is the sandbox's
/// key store (<see cref="KeepsFile"/>): every secret shown is kept there, printed or not, and the file stays, so a later
/// start's banner can point at it (its <c>eval "$(grep …)"</c> line sets the sandbox's variables from it).
/// </summary>
internal sealed partial class HubConsole
{
    /// <summary>What <see cref="SecretDestination"/> is when secrets are printed.</summary>
    public const string StandardOutput = "standard output";

    /// <summary>The configuration key of <see cref="HubSecretOutput"/> (<c>Larkway__Bootstrap__SecretOutput</c>).</summary>
    public const string OutputSetting = "Larkway:Bootstrap:SecretOutput";

    /// <summary>The configuration key of the secrets file's path (<c>Larkway__Bootstrap__SecretsFile</c>).</summary>
    public const string FileSetting = "Larkway:Bootstrap:SecretsFile";

    /// <summary>Where the secrets file goes unless configured: beside the default SQLite database.</summary>
    public const string DefaultSecretsFile = "./data/first-start-secrets.txt";

    private readonly bool _toTerminal;

    /// <summary>
    /// Standard output, secrets shown as <paramref name="output"/> (and whether it is a terminal) decide; with
    /// <paramref name="structured"/> (the JSON log format) notices are log events and secrets go to the file.
    /// </summary>
    public HubConsole(HubSecretOutput output = HubSecretOutput.Auto, string? secretsFile = null, ILogger? structured = null, bool keepsFile = false)
        : this(Console.Out, output switch
        {
            HubSecretOutput.Terminal => true,
            HubSecretOutput.File => false,
            _ => !Console.IsOutputRedirected,
        }, secretsFile, structured, keepsFile)
    {
    }

    /// <summary>
    /// A given writer; <paramref name="isTerminal"/> says whether secrets may be printed on it, <paramref name="keepsFile"/>
    /// whether the secrets file is a key store to keep (the sandbox) rather than a hand-over to delete.
    /// </summary>
    public HubConsole(TextWriter output, bool isTerminal = true, string? secretsFile = null, ILogger? structured = null, bool keepsFile = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        Out = output;
        Log = structured;
        _toTerminal = isTerminal && structured is null;
        KeepsFile = keepsFile;
        SecretsFile = Path.GetFullPath(string.IsNullOrEmpty(secretsFile) ? DefaultSecretsFile : secretsFile);
    }

    /// <summary>
    /// The sandbox's story: the secrets file is its key store, written even when secrets are printed, and kept; outside the
    /// sandbox it holds only what could not be printed, and its reader stores the secrets and deletes it.
    /// </summary>
    public bool KeepsFile { get; }

    /// <summary>Standard output (or the test's writer); nothing is written to it when <see cref="Log"/> is set.</summary>
    public TextWriter Out { get; }

    /// <summary>The logger notices go to when standard output is a JSON log; null when they are plain lines on <see cref="Out"/>.</summary>
    public ILogger? Log { get; }

    /// <summary>The file secrets go to when standard output is not a terminal.</summary>
    public string SecretsFile { get; }

    /// <summary>Where a secret shown now goes: <see cref="StandardOutput"/> or <see cref="SecretsFile"/> (stored, so later starts can say).</summary>
    public string SecretDestination => _toTerminal && !KeepsFile ? StandardOutput : SecretsFile;

    /// <summary>Whether secrets shown now are printed (a terminal, and no JSON log).</summary>
    public bool PrintsSecrets => _toTerminal;

    /// <summary>
    /// Where the secret shown at an earlier start under <paramref name="label"/> is, as the end of a sentence about it: "was
    /// printed on standard output when it was made", "is in data/first-start-secrets.txt" (relative to the working directory
    /// when below it) or, once that file no longer holds it (deleted, as a production reader does after storing it), "was
    /// written to data/first-start-secrets.txt when it was made, which no longer holds it" — never a place it is not. Null:
    /// not known (stored before the Hub recorded it).
    /// </summary>
    public static string? Describe(string? destination, string label) => destination switch
    {
        null or "" => null,
        StandardOutput => "was printed on standard output when it was made",
        _ when Holds(destination, label) => "is in " + ForDisplay(destination),
        _ => $"was written to {ForDisplay(destination)} when it was made, which no longer holds it",
    };

    /// <summary>Whether <paramref name="file"/> has a line <see cref="ShowSecretAsync"/> wrote for <paramref name="label"/>.</summary>
    private static bool Holds(string file, string label)
    {
        try
        {
            return File.Exists(file) && File.ReadLines(file).Any(l => l.Contains($" {label}: ", StringComparison.Ordinal));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Records in <paramref name="db"/> (saved with the secret's hash) where the secret shown now goes, under
    /// <paramref name="settingName"/>, so later starts and the sign-in page can say where it is.
    /// </summary>
    public async Task RecordDestinationAsync(Storage.HubDbContext db, string settingName, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var row = await db.Settings.FindAsync([settingName], cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            db.Settings.Add(new Storage.HubSetting { Name = settingName, Value = SecretDestination, UpdatedAt = now });
        }
        else
        {
            row.Value = SecretDestination;
            row.UpdatedAt = now;
        }
    }

    /// <summary>A path relative to the working directory when it is below it (<c>data/first-start-secrets.txt</c>), else as it is.</summary>
    public static string ForDisplay(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }

    /// <summary>
    /// Shows <paramref name="secret"/> once, labelled <paramref name="label"/>, followed by <paramref name="hint"/>;
    /// returns where it went ("standard output", or the file), for the log line that says so.
    /// </summary>
    public async Task<string> ShowSecretAsync(string label, string secret, string hint, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        ArgumentException.ThrowIfNullOrEmpty(secret);
        string shownAt;
        if (_toTerminal && KeepsFile)
        {
            await AppendToFileAsync(label, secret, cancellationToken).ConfigureAwait(false);
            await Out.WriteLineAsync($"{label} (kept in {ForDisplay(SecretsFile)}, the sandbox's key store): {secret}").ConfigureAwait(false);
            shownAt = SecretsFile;
        }
        else if (_toTerminal)
        {
            await Out.WriteLineAsync($"{label} (shown only this once; store it now): {secret}").ConfigureAwait(false);
            shownAt = StandardOutput;
        }
        else if (Log is { } log)
        {
            await AppendToFileAsync(label, secret, cancellationToken).ConfigureAwait(false);
            LogSecretWritten(log, label.Trim(), SecretsFile, $"{hint} {WhatToDoWithTheFile}");
            return SecretsFile;
        }
        else
        {
            await AppendToFileAsync(label, secret, cancellationToken).ConfigureAwait(false);
            await Out.WriteLineAsync($"{label}: written to {SecretsFile} (readable by this user only), not printed, since standard output is not a terminal and may be collected as a log. {WhatToDoWithTheFile}").ConfigureAwait(false);
            shownAt = SecretsFile;
        }

        await Out.WriteLineAsync(hint).ConfigureAwait(false);
        await Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        return shownAt;
    }

    /// <summary>What the reader of the secrets file does with it: the sandbox keeps it, anywhere else it is a hand-over.</summary>
    private string WhatToDoWithTheFile => KeepsFile
        ? "It is the sandbox's key store: keep it (later starts point at it)."
        : "Store it in your secret store, then delete the file.";

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
            if (KeepsFile)
            {
                await AppendToFileAsync(label, Environment.NewLine + string.Join(Environment.NewLine, lines), cancellationToken).ConfigureAwait(false);
            }

            await Out.WriteLineAsync(label + ":").ConfigureAwait(false);
            foreach (var line in lines)
            {
                await Out.WriteLineAsync(line).ConfigureAwait(false);
            }
        }
        else
        {
            await AppendToFileAsync(label, Environment.NewLine + string.Join(Environment.NewLine, lines), cancellationToken).ConfigureAwait(false);
            if (Log is { } log)
            {
                LogSecretWritten(log, label.Trim(), SecretsFile, "");
                return;
            }

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

    [LoggerMessage(EventId = LogEvents.HubConsoleSecretWritten, Level = LogLevel.Information, Message = "{Label}: written to {SecretsFile} (readable by this user only), not logged. {Hint}")]
    private static partial void LogSecretWritten(ILogger logger, string label, string secretsFile, string hint);
}
