using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Platform.Observability;

/// <summary>
/// The sandbox's whole log as a file (<c>logs/hub.log</c> in the data folder), while its console shows the banner, warnings
/// and errors (<see cref="ConsoleLogSettings"/>). Each entry is one line — UTC time, level, category and event id, the
/// message — with an exception's text on the lines after it. The messages are the loggers' own, as the console writes them,
/// so what keeps secrets out of the console log keeps them out of the file. Bounded: past <see cref="DefaultMaxBytes"/> the
/// file becomes <c>hub.log.1</c> (replacing the previous one) and a new one starts, so it never holds more than twice that.
/// One instance serves the Hub and its embedded Emulator (<see cref="ProviderFor"/>); the Hub's host disposes it last.
/// </summary>
internal sealed class HubLogFile : IDisposable
{
    /// <summary>The file's name in its folder.</summary>
    public const string FileName = "hub.log";

    /// <summary>Where the file is kept, below the data folder.</summary>
    public const string FolderName = "logs";

    /// <summary>The size at which the file is rolled over to <c>hub.log.1</c>: 10 MiB.</summary>
    public const long DefaultMaxBytes = 10 * 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly long _maxBytes;
    private StreamWriter? _writer;
    private bool _disposed;

    /// <summary>Opens (appends to) <paramref name="path"/>, creating its folder; <paramref name="maxBytes"/> is the roll-over size.</summary>
    public HubLogFile(string path, long maxBytes = DefaultMaxBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1024);
        Path = System.IO.Path.GetFullPath(path);
        _maxBytes = maxBytes;
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _writer = Open();
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>The file in <paramref name="dataFolder"/>: <c>logs/hub.log</c>.</summary>
    public static string PathIn(string dataFolder) => System.IO.Path.Combine(dataFolder, FolderName, FileName);

    /// <summary>A logger provider writing here that leaves the file open when its logger factory is disposed.</summary>
    public ILoggerProvider ProviderFor() => new Provider(this);

    /// <summary>Appends one entry; after <see cref="Dispose"/> entries are dropped (a late line at shutdown is not worth a crash).</summary>
    internal void Write(LogLevel level, string category, EventId eventId, string message, Exception? exception)
    {
        var entry = new StringBuilder(message.Length + 96)
            .Append(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))
            .Append(' ').Append(LevelName(level)).Append(": ").Append(category)
            .Append('[').Append(eventId.Id.ToString(CultureInfo.InvariantCulture)).Append("] ")
            .Append(message);
        if (exception is not null)
        {
            entry.AppendLine().Append(exception);
        }

        lock (_gate)
        {
            if (_writer is null || _disposed)
            {
                return;
            }

            try
            {
                _writer.WriteLine(entry);
                _writer.Flush();
                if (_writer.BaseStream.Length >= _maxBytes)
                {
                    RollOver();
                }
            }
            catch (IOException)
            {
                // A full disk or a removed folder must not take the Hub down with it; the console still has warnings.
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _writer?.Dispose();
            _writer = null;
        }
    }

    private StreamWriter Open()
    {
        // Readable by others while the Hub writes (tail -f); never written by two Hubs, as the data folder is locked.
        var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        return new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    private void RollOver()
    {
        _writer!.Dispose();
        _writer = null;
        File.Move(Path, Path + ".1", overwrite: true);
        _writer = Open();
    }

    /// <summary>The console's simple format's level names, so a reader of both sees the same words.</summary>
    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };

    private sealed class Provider(HubLogFile file) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new FileLogger(file, categoryName);

        // The file outlives each logger factory using it (the Hub's and the Emulator's): its owner disposes it.
        public void Dispose()
        {
        }
    }

    private sealed class FileLogger(HubLogFile file, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                file.Write(logLevel, category, eventId, formatter(state, exception), exception);
            }
        }
    }
}
