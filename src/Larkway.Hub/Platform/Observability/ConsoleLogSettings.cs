using Larkway.Hub.Platform.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Larkway.Hub.Platform.Observability;

/// <summary>Which log entries the console shows (<c>Larkway:Logging:Console</c>).</summary>
internal enum ConsoleLogLevel
{
    /// <summary>Every entry the log levels let through (the default outside the sandbox).</summary>
    All,

    /// <summary>Warnings and errors only; the sandbox's default, with the whole log in <see cref="HubLogFile"/>.</summary>
    Warnings,
}

/// <summary>
/// The console log and the sandbox's log file. A sandbox start is read by a person: its banner (plain lines, not log
/// entries) should not scroll away under the entries of every service starting. So in sandbox mode, with the plain format
/// and a data folder on disk, the console shows warnings and errors and the whole log goes to <c>logs/hub.log</c> in the
/// data folder; <c>Larkway:Logging:Console=all</c> shows everything on the console too. Anywhere else (credentials given,
/// a JSON log, a sandbox kept in memory) nothing changes: the console has the whole log and there is no file.
/// </summary>
internal static class ConsoleLogSettings
{
    /// <summary>The setting (<c>Larkway__Logging__Console</c>).</summary>
    public const string Setting = "Larkway:Logging:Console";

    /// <summary>The setting as an environment variable, as the banner names it.</summary>
    public const string EnvironmentVariable = "Larkway__Logging__Console";

    /// <summary>The value the setting holds, or null when unset.</summary>
    /// <exception cref="HubConfigurationException">The value is not one of those accepted.</exception>
    public static ConsoleLogLevel? Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration[Setting] is { Length: > 0 } value ? value.Trim() : null;
        return text?.ToLowerInvariant() switch
        {
            null => null,
            "all" => ConsoleLogLevel.All,
            "warnings" => ConsoleLogLevel.Warnings,
            _ => throw new HubConfigurationException($"{Setting} '{text}' is not valid; use 'all' (every log entry on the console) or 'warnings' (warnings and errors only; the sandbox's default, its whole log in data/logs/hub.log)."),
        };
    }

    /// <summary>
    /// Opens the sandbox's log file when this start has one (<paramref name="sandbox"/>, the plain format, a
    /// <paramref name="dataFolder"/>) and reads what the console shows; <see cref="Apply"/> then wires both into a host.
    /// </summary>
    /// <exception cref="HubConfigurationException">The setting's value is not valid.</exception>
    public static (ConsoleLogLevel Console, HubLogFile? File) Open(IConfiguration configuration, bool sandbox, string? dataFolder)
    {
        var configured = Read(configuration);
        var json = ObservabilitySettings.ReadLogFormat(configuration) == LogFormat.Json;
        var file = sandbox && !json && dataFolder is not null ? new HubLogFile(HubLogFile.PathIn(dataFolder)) : null;
        return (configured ?? (file is null ? ConsoleLogLevel.All : ConsoleLogLevel.Warnings), file);
    }

    /// <summary>Adds <paramref name="file"/> to <paramref name="logging"/> and, for <see cref="ConsoleLogLevel.Warnings"/>, keeps the console to warnings and errors.</summary>
    public static void Apply(ILoggingBuilder logging, ConsoleLogLevel console, HubLogFile? file)
    {
        ArgumentNullException.ThrowIfNull(logging);
        if (file is not null)
        {
            logging.AddProvider(file.ProviderFor());
        }

        if (console == ConsoleLogLevel.Warnings)
        {
            // A rule for the console provider alone outranks the category rules of appsettings.json for it; the file keeps them.
            logging.AddFilter<ConsoleLoggerProvider>(category: null, LogLevel.Warning);
        }
    }
}

/// <summary>Where this start's log goes: what the console shows, and the sandbox's file (null when there is none).</summary>
internal sealed record HubLogOutputs(ConsoleLogLevel Console, HubLogFile? File)
{
    /// <summary>The whole log on the console and no file: what a host started without <see cref="ConsoleLogSettings"/> has.</summary>
    public static HubLogOutputs ConsoleOnly { get; } = new(ConsoleLogLevel.All, null);
}
