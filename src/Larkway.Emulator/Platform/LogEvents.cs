namespace Larkway.Emulator.Platform;

/// <summary>
/// Every log event id of Larkway.Emulator in one table, so none is used twice. Ranges by folder; a new message takes the
/// next free id of its folder's range.
/// </summary>
internal static class LogEvents
{
    // Hosting
    public const int EmulatorServerStarted = 1;

    // State file
    public const int StateFileLoaded = 10;
    public const int StateFileCreated = 11;
    public const int StateFileSetAside = 12;
    public const int StateFileWriteFailed = 13;
    public const int StateFileWriteRecovered = 14;

    // Events
    public const int EventDeliveryAttemptFailed = 20;
    public const int EventDeliveryGaveUp = 21;

    // Events/Callbacks
    public const int CardCallbackServiceCallbackFailed = 30;

    // CardKit
    public const int CardKitStreamingAutoClosed = 50;
    public const int CardKitSequenceRefused = 51;

    // LongConnection
    public const int LongConnectionHubConnected = 40;
    public const int LongConnectionHubDisconnected = 41;
    public const int LongConnectionHubRefused = 42;
    public const int LongConnectionHubGaveUp = 43;

    // Platform
    public const int EnvelopeMiddlewareUnhandled = 1000;
    public const int OpenApiGateMiddlewareFault = 1100;

    // DingTalk
    public const int DingTalkGateFault = 2000;
    public const int DingTalkGateUnhandled = 2001;

    // DingTalk/Stream
    public const int DingTalkStreamOpened = 2100;
    public const int DingTalkStreamClosed = 2101;
    public const int DingTalkStreamGaveUp = 2102;

    // WeCom (3000-3099; WeCom/AiBot takes 3100-3199)
    public const int WeComGateFault = 3000;
    public const int WeComGateUnhandled = 3001;
    public const int WeComCallbackDelivered = 3010;
    public const int WeComCallbackFailed = 3011;
    public const int WeComCallbackGaveUp = 3012;

    // WeCom/AiBot
    public const int WeComAiBotSubscribed = 3100;
    public const int WeComAiBotSubscribeRefused = 3101;
    public const int WeComAiBotTakenOver = 3102;
    public const int WeComAiBotClosed = 3103;
    public const int WeComAiBotBadFrame = 3104;
    public const int WeComAiBotCallbackConfigured = 3110;
    public const int WeComAiBotCallbackVerifyFailed = 3111;
    public const int WeComAiBotCallbackFailed = 3112;
    public const int WeComAiBotCallbackPollCrashed = 3113;

    // AiBackend (the fake Dify/OpenAI backend: 4000-4099)
    public const int AiBackendRequest = 4000;
}
