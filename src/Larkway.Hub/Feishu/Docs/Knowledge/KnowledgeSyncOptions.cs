using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Feishu.Docs.Knowledge;

/// <summary>The knowledge syncs' queue settings, bound from <c>Larkway:Feishu:Knowledge</c> (each sync's interval and pacing are on the sync).</summary>
public sealed class KnowledgeSyncOptions() : SyncPassOptions(SectionName, "a document's read and push with their retries")
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Larkway:Feishu:Knowledge";
}

/// <summary>Checks <see cref="KnowledgeSyncOptions"/> at start.</summary>
[OptionsValidator]
internal sealed partial class KnowledgeSyncOptionsValidator : IValidateOptions<KnowledgeSyncOptions>;
