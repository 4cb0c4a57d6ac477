using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// The warnings and errors a sandbox Hub logs (its console log is off in tests), kept so a failing test can say what the
/// Hub reported instead of only what it did not do.
/// </summary>
internal sealed class HubLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>Warning, Error and Critical lines so far, oldest first, with the exception's type and message.</summary>
    public IReadOnlyList<string> Problems => [.. _lines];

    /// <summary>The problems as one block for an assertion's message.</summary>
    public override string ToString() => _lines.IsEmpty ? "(the Hub logged no warning or error)" : "the Hub logged:\n" + string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(HubLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner._lines.Enqueue($"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)}{(exception is null ? "" : $" | {exception.GetType().Name}: {exception.Message}")}");
            }
        }
    }
}
