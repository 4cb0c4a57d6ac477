namespace Larkway.Emulator.Platform;

/// <summary>
/// Every log event id of Larkway.Emulator in one table, so none is used twice. The assembly's range is 9000–9999 (docs/metrics.md lists
/// every assembly's, and a test fails on an id outside it or shared in the Hub's process). Ranges by folder; a new
/// message takes the next free id of its folder's range.
/// </summary>
internal static class LogEvents
{
    // Hosting
    public const int EmulatorServerStarted = 9001;
    public const int EmulatorTlsListening = 9002;
    public const int EmulatorTlsAuthorityCreated = 9003;
    public const int EmulatorDingTalkApiListening = 9004;

    // State file
    public const int StateFileLoaded = 9010;
    public const int StateFileCreated = 9011;
    public const int StateFileSetAside = 9012;
    public const int StateFileWriteFailed = 9013;
    public const int StateFileWriteRecovered = 9014;

    // Events
    public const int EventDeliveryAttemptFailed = 9020;
    public const int EventDeliveryGaveUp = 9021;

    // Events/Callbacks
    public const int CardCallbackServiceCallbackFailed = 9030;

    // CardKit
    public const int CardKitStreamingAutoClosed = 9050;
    public const int CardKitSequenceRefused = 9051;

    // LongConnection
    public const int LongConnectionHubConnected = 9040;
    public const int LongConnectionHubDisconnected = 9041;
    public const int LongConnectionHubRefused = 9042;
    public const int LongConnectionHubGaveUp = 9043;

    // Platform
    public const int EnvelopeMiddlewareUnhandled = 9100;
    public const int OpenApiGateMiddlewareFault = 9110;

    // DingTalk
    public const int DingTalkGateFault = 9200;
    public const int DingTalkGateUnhandled = 9201;

    // DingTalk/Stream
    public const int DingTalkStreamOpened = 9210;
    public const int DingTalkStreamClosed = 9211;
    public const int DingTalkStreamGaveUp = 9212;

    // DingTalk/Workflow
    public const int DingTalkWorkflowEventFailed = 9220;

    // WeCom (9300-9319; WeCom/AiBot takes 9320-9339)
    public const int WeComGateFault = 9300;
    public const int WeComGateUnhandled = 9301;
    public const int WeComCallbackDelivered = 9310;
    public const int WeComCallbackFailed = 9311;
    public const int WeComCallbackGaveUp = 9312;

    // WeCom/AiBot
    public const int WeComAiBotSubscribed = 9320;
    public const int WeComAiBotSubscribeRefused = 9321;
    public const int WeComAiBotTakenOver = 9322;
    public const int WeComAiBotClosed = 9323;
    public const int WeComAiBotBadFrame = 9324;
    public const int WeComAiBotCallbackConfigured = 9330;
    public const int WeComAiBotCallbackVerifyFailed = 9331;
    public const int WeComAiBotCallbackFailed = 9332;
    public const int WeComAiBotCallbackPollCrashed = 9333;

    // AiBackend (the fake Dify/OpenAI backend: 9400-9499)
    public const int AiBackendRequest = 9400;
}
