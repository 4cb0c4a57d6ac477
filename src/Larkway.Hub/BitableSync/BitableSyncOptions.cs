using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.BitableSync;

/// <summary>The syncs' queue settings, bound from <c>Larkway:BitableSync</c> (each sync's own interval and policy are on the sync).</summary>
public sealed class BitableSyncOptions() : SyncPassOptions(SectionName, "a pass's batch call with its retries")
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Larkway:BitableSync";
}

/// <summary>Checks <see cref="BitableSyncOptions"/> at start.</summary>
[OptionsValidator]
internal sealed partial class BitableSyncOptionsValidator : IValidateOptions<BitableSyncOptions>;
