using Larkway.Hub.Platform.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Larkway.Hub.Platform.Observability;

/// <summary>
/// The one sentence a start that cannot work ends with, on standard error: <c>larkway hub: …</c>, or with
/// <c>Larkway:Logging:Format=json</c> one JSON log event (a collector of the Hub's output parses every line). The host's
/// configuration is not built yet, so the format is read from the same sources in the same order.
/// </summary>
internal static partial class StartFailure
{
    public static async Task WriteAsync(string[] args, string message)
    {
        if (!IsJson(args))
        {
            await Console.Error.WriteLineAsync("larkway hub: " + message).ConfigureAwait(false);
            return;
        }

        // Disposing the factory flushes the console logger's queue before the process exits.
        using var loggers = JsonLoggers();
        LogStartFailed(loggers.CreateLogger("Larkway.Hub.HubApp"), message);
    }

    /// <summary>A start that failed for a reason other than configuration, as one JSON log event with its exception.</summary>
    public static void WriteFault(Exception exception)
    {
        using var loggers = JsonLoggers();
        LogStartFaulted(loggers.CreateLogger("Larkway.Hub.HubApp"), exception);
    }

    public static bool IsJson(string[] args)
    {
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
                .AddEnvironmentVariables()
                .AddCommandLine(args)
                .Build();
            return ObservabilitySettings.ReadLogFormat(configuration) == LogFormat.Json;
        }
        catch (Exception ex) when (ex is HubConfigurationException or FormatException or InvalidDataException or IOException)
        {
            return false;
        }
    }

    private static ILoggerFactory JsonLoggers() => LoggerFactory.Create(logging => logging
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
        .AddJsonConsole(HubObservabilityExtensions.ConfigureJson));

    [LoggerMessage(EventId = LogEvents.HubAppStartFaulted, Level = LogLevel.Critical, Message = "larkway hub: the start failed with an unexpected error; the exception says where")]
    private static partial void LogStartFaulted(ILogger logger, Exception exception);

    [LoggerMessage(EventId = LogEvents.HubAppStartFailed, Level = LogLevel.Critical, Message = "larkway hub: {Reason}")]
    private static partial void LogStartFailed(ILogger logger, string reason);
}
