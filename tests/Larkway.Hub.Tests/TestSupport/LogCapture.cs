using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Tests.TestSupport;

/// <summary>Every log line the Hub's services write (Information and up, as <c>AddLogging</c> sets), for assertions on what a reader of the log sees.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    /// <summary>The lines a reader must act on: Warning, Error, Critical.</summary>
    public IReadOnlyList<LogLine> WarningsOrWorse => [.. _lines.Where(l => l.Level >= LogLevel.Warning)];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue(new LogLine(logLevel, category, eventId.Id, formatter(state, exception), exception));
    }
}

/// <summary>One captured line.</summary>
public sealed record LogLine(LogLevel Level, string Category, int EventId, string Message, Exception? Exception)
{
    public override string ToString() => $"{Level} {Category}[{EventId}] {Message}{(Exception is null ? "" : " | " + Exception.GetType().Name)}";
}
