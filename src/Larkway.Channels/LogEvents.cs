namespace Larkway.Channels;

/// <summary>
/// Every log event id of Larkway.Channels in one table, so none is used twice. The assembly's range is 6000–6999
/// (docs/metrics.md lists every assembly's): 60xx masking, 61xx the AI backends. A new message takes the next free id
/// of its folder's range.
/// </summary>
internal static class LogEvents
{
    // Masking
    public const int Masked = 6001;

    // Backends
    public const int BackendAsking = 6101;
    public const int BackendCompleted = 6102;
    public const int BackendFailed = 6103;
    public const int BackendRetrying = 6104;
    public const int BackendAbandoned = 6105;
    public const int BackendConversationRestarted = 6106;
    public const int BackendStopped = 6107;
    public const int BackendStopFailed = 6108;
    public const int BackendIgnoredEvent = 6109;
    public const int BackendFileUploaded = 6110;

    // Backends: the Dify knowledge API client
    public const int KnowledgeCalled = 6111;
    public const int KnowledgeFailed = 6112;
    public const int KnowledgeRetrying = 6113;
    public const int KnowledgePaced = 6114;
    public const int KnowledgeHeld = 6115;
}
