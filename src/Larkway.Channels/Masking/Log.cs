using Microsoft.Extensions.Logging;

namespace Larkway.Channels.Masking;

/// <summary>The masker's log lines: counts and detector names only, never a value, a display form or a placeholder map.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = LogEvents.Masked, Level = LogLevel.Debug, Message = "Masked {Count} fields toward {Direction} as {Mode} ({Detectors})")]
    public static partial void Masked(ILogger logger, int count, MaskingDirection direction, MaskingMode mode, string detectors);
}
