namespace Larkway.Hub.Platform;

/// <summary>
/// Every log event id of Larkway.Hub in one table, so none is used twice. The assembly's range is 4000–5999 (docs/metrics.md
/// lists every assembly's, and a test fails on an id outside it or shared in the Hub's process). Ranges by folder: 40xx storage, inbox,
/// auth, HTTP and outbound fetches, 41xx notifications, 42xx webhooks, 43xx apps, 44xx leases, 45xx identity (4500–4549, the sign-in broker) and the directory (4550–4599), 46xx approvals, 47xx bots, 48xx the work queue,
/// 49xx observability (490x–491x export and health, 492x the dashboard's recorder, 493x alerts), 500x the Bitable syncs, 53xx the assistants. A new message takes
/// the next free id of its folder's range.
/// </summary>
internal static class LogEvents
{
    // Platform/Storage
    public const int HubDatabaseInitializerDatabaseReady = 4000;

    // Inbox
    public const int InboxStoreAppended = 4010;
    public const int InboxEventSinkCardActionSlow = 4020;
    public const int InboxEventSinkCardActionFailed = 4021;
    public const int InboxEventSinkNoDispatcher = 4022;
    public const int InboxEventSinkRecordFailed = 4023;
    public const int InboxProcessorAppDeleted = 4033;
    public const int InboxProcessorNoPlatform = 4034;
    public const int InboxProcessorMalformed = 4038;

    // Feishu/Inbound: the ids the processor's Feishu branch had, kept for those who filter on them.
    public const int FeishuInboxHandlerDispatched = 4032;
    public const int FeishuInboxHandlerNoDispatcher = 4037;

    // Inbox
    public const int InboxRetentionPruned = 4039;
    public const int FeishuLongConnectionRefused = 4040;
    public const int FeishuLongConnectionSupervisorFailed = 4041;

    // Platform/Auth
    public const int HubAdminKeyConfiguredKey = 4050;
    public const int HubAdminKeyGeneratedKey = 4051;

    // AdminConsole/Auth
    public const int ConsoleAdminCredentialGenerated = 4060;

    // The start's notices as log events when standard output is a JSON log (Platform/Auth/HubConsole, HubApp, Sandbox)
    public const int HubConsoleSecretWritten = 4090;
    public const int HubAppStarted = 4091;
    public const int HubAppSandboxReady = 4092;
    public const int HubAppStartFailed = 4093;
    public const int HubAppStartFaulted = 4094;
    public const int SandboxPeopleNotSet = 4095;

    // Platform/Http
    public const int BadRequestShieldBadRequest = 4070;
    public const int StorageBusyShieldBusy = 4071;

    // Platform/Outbound
    public const int OutboundAddressRefused = 4080;

    // Notifications
    public const int NotificationSenderSent = 4100;
    public const int NotificationSenderRetrying = 4101;
    public const int NotificationSenderFailed = 4102;
    public const int NotificationSenderPaced = 4105;

    // Feishu/Notifications (a Feishu click on a notification card)
    public const int FeishuNotificationClicksAfterCardInvalid = 4110;

    // Feishu/Recipients (settling and resolving a notification's recipients on Feishu)
    public const int RecipientExpanderLookupFailed = 4111;
    public const int RecipientExpanderDepartmentUnavailable = 4112;
    public const int ContactRecipientResolverDirectoryFailed = 4114;

    // Notifications/DingTalk
    public const int DingTalkActionCrossSiteRefused = 4115;
    public const int DingTalkActionFollowUpFailed = 4125;
    public const int DingTalkActionSignInMismatch = 4116;
    public const int DingTalkActionSignInFailed = 4117;
    public const int DingTalkActionRecipientInactive = 4118;
    public const int DingTalkCardClickRefused = 4119;
    public const int DingTalkCardUpdateFailed = 4120;

    // Feishu/Notifications
    public const int FeishuNotificationClicksRefused = 4113;

    // Notifications/Routing
    public const int PersonRoutingFellBack = 4130;
    public const int PersonRoutingLinked = 4131;
    public const int PersonRoutingLinkTaken = 4132;
    public const int RoutingPlatformNotRegistered = 4133;

    // Webhooks
    public const int WebhookSenderDelivered = 4200;
    public const int WebhookSenderRetrying = 4201;
    public const int WebhookSenderDeadLettered = 4202;
    public const int WebhookRetentionPruned = 4203;

    // Apps
    public const int HubAppRegistryUnreadable = 4300;
    public const int HubAppServiceAdded = 4310;
    public const int HubAppServiceUpdated = 4311;
    public const int HubAppServiceDeleted = 4312;

    // Platform/Leases
    public const int SingletonDutyAcquired = 4400;
    public const int SingletonDutyLost = 4401;
    public const int SingletonDutyReleased = 4402;
    public const int SingletonDutyAcquireFailed = 4403;
    public const int SingletonDutyRenewFailed = 4404;
    public const int SingletonDutyReleaseFailed = 4405;
    public const int SingletonDutyDutyFailed = 4406;
    public const int SingletonDutyDutyFinished = 4407;
    public const int SingletonDutyStoodAside = 4408;

    // Apps/Connections
    public const int LongConnectionDutyHandingOver = 4420;
    public const int LongConnectionDutyStatusUnsaved = 4421;
    public const int HubJobRunnerRunFailed = 4410;

    // Identity (the sign-in broker)
    public const int IdentityKeysRotated = 4500;
    public const int IdentityRefreshTokenReused = 4510;
    public const int IdentityCodeReused = 4511;
    public const int IdentityRefreshRefusedInactive = 4512;
    public const int IdentitySignedIn = 4520;
    public const int IdentitySignInRefused = 4521;
    public const int IdentitySignInLegFailed = 4522;
    public const int IdentitySessionEnded = 4523;
    public const int IdentityIssuerFromRequest = 4524;
    public const int IdentitySessionsEndedDeactivated = 4525;
    public const int IdentitySignInUnknownPerson = 4526;
    public const int IdentitySignInAccountNotRead = 4527;
    public const int IdentityCodeOfAnotherClient = 4513;

    // Directory
    public const int DirectorySyncPageRefused = 4550;
    public const int DirectorySyncFinished = 4551;
    public const int DirectoryEventIgnored = 4560;
    public const int DirectoryEventStale = 4561;
    public const int DirectoryReconcileStarted = 4570;
    public const int DirectoryReconcileFailed = 4571;

    // Approvals
    public const int ApprovalDefinitionsSubscribeFailed = 4600;
    public const int ApprovalBridgeCreateRetrying = 4610;
    public const int ApprovalBridgeCreateFailed = 4611;
    public const int ApprovalBridgeSyncFailed = 4612;
    public const int ApprovalBridgeAdopted = 4613;
    public const int ApprovalBridgeInstanceClaimed = 4614;
    public const int ApprovalEventObserverReadRefused = 4630;
    public const int ApprovalReconcilerReadFailed = 4640;

    // Approvals/Cards
    public const int ApprovalCardsCardQueued = 4650;
    public const int ApprovalCardsReminded = 4651;
    public const int ApprovalCardsOutcomeNotRendered = 4652;
    public const int ApprovalCardClicksDecidedElsewhere = 4660;
    public const int ApprovalCardClicksDecideFailed = 4661;
    public const int ApprovalCardClicksDecideSlow = 4662;
    public const int ApprovalRequestActionRequested = 4670;
    public const int ApprovalRequestActionNotRendered = 4671;
    public const int ApprovalRequestActionFormInvalid = 4672;
    public const int ApprovalRequestActionRequestFailed = 4673;
    public const int ApprovalRemindersRound = 4680;

    // Bots
    public const int AppBotHandlerFailed = 4701;
    public const int AppBotCardActionFailed = 4702;

    // Platform/Queue
    public const int QueueStarted = 4800;
    public const int QueueStopped = 4801;
    public const int QueueClaimFailed = 4802;
    public const int QueueRenewFailed = 4803;
    public const int QueueHandlerFailed = 4804;
    public const int QueueRetrying = 4805;
    public const int QueueDeadLettered = 4806;
    public const int QueueLeaseLost = 4807;
    public const int QueueRecordFailed = 4808;
    public const int QueueStatsFailed = 4809;

    // Platform/Observability/Prometheus
    public const int MetricsPortServerListening = 4900;

    // Platform/Observability/Health
    public const int DatabaseHealthCheckUnreachable = 4910;
    public const int MigrationsHealthCheckUnreadable = 4911;
    public const int LongConnectionHealthCheckUnreadable = 4912;

    // Monitoring (Monitoring/): the recorder behind the console's dashboard.
    public const int MonitoringFlushFailed = 4920;
    public const int MonitoringPruned = 4921;
    public const int MonitoringFinalFlushAbandoned = 4922;

    // Alerts (Alerts/).
    public const int AlertOpened = 4930;
    public const int AlertCleared = 4931;
    public const int AlertEvaluationFailed = 4932;
    public const int AlertNotifyFailed = 4933;
    public const int AlertNotificationSkipped = 4934;

    // Platform/DataProtection
    public const int DataProtectionKeyRingUnencrypted = 4940;
    public const int DataProtectionKeyRingEncrypted = 4941;

    // BitableSync
    public const int BitableSyncPassed = 5000;
    public const int BitableSyncEventIgnored = 5001;
    public const int BitableSyncListenFailed = 5002;
    public const int BitableSyncListenRefreshFailed = 5003;
    public const int BitableSyncWakeFailed = 5004;

    // DingTalk (DingTalk/)
    public const int DingTalkStreamStoreFailed = 5100;
    public const int DingTalkStreamSupervisorFailed = 5101;
    public const int DingTalkCallbackRefused = 5102;
    public const int DingTalkBotFailed = 5103;
    public const int DingTalkInboxUnknownType = 5104;
    public const int DingTalkStreamStartFailed = 5106;
    public const int DingTalkRobotReplayRefused = 5108;
    public const int DingTalkRobotSignaturesPruned = 5109;
    public const int DingTalkSessionWebhookForeign = 5115;
    public const int DingTalkBotCardUpdateFailed = 5116;
    public const int DingTalkBotCardFellBack = 5117;

    // WeCom (WeCom/)
    public const int WeComCallbackRefused = 5200;
    public const int WeComCallbackVerified = 5201;
    public const int WeComBotFailed = 5202;
    public const int WeComCardUpdateFailed = 5203;
    public const int WeComBotCardUpdateFailed = 5204;

    // Notifications/WeCom (5210–5219)
    public const int WeComCardClickRefused = 5210;
    // WeCom AI bot (WeCom/AiBot/): 5250–5269.
    public const int WeComAiBotStartFailed = 5250;
    public const int WeComAiBotTakenOver = 5251;
    public const int WeComAiBotStoreFailed = 5254;
    public const int WeComAiBotSupervisorFailed = 5255;
    public const int WeComAiBotHandleFailed = 5256;
    public const int WeComAiBotReplyFellBack = 5257;
    public const int WeComAiBotWelcomeTooLate = 5258;
    public const int WeComAiBotWelcomeNoConnection = 5259;
    public const int WeComAiBotWelcomeRefused = 5260;
    public const int WeComAiBotFeedbackIgnored = 5261;
    public const int WeComAiBotCardUpdateFailed = 5262;

    // WeCom customer service (WeCom/CustomerService/): 5270–5289.
    public const int WeComKfNotSent = 5270;
    public const int WeComKfCut = 5271;
    public const int WeComKfSendRefused = 5272;
    public const int WeComKfCodeRefused = 5273;
    public const int WeComKfUnknownAccount = 5274;
    public const int WeComKfCursorRefused = 5275;
    public const int WeComKfMoveRefused = 5276;
    public const int WeComKfDeliveryFailed = 5277;
    public const int WeComKfPullFailed = 5278;
    public const int WeComKfNicknamesNotRead = 5279;

    // Assistants (Assistants/): 5300–5399.
    public const int AssistantCreated = 5300;
    public const int AssistantUpdated = 5301;
    public const int AssistantDeleted = 5302;
    public const int AssistantLinkCodeIssued = 5303;
    public const int AssistantLinkNoPerson = 5304;
    public const int AssistantLinkUnreachable = 5305;
    public const int AssistantLinkRedeemed = 5306;
    public const int AssistantFeishuCardContinued = 5307;
    public const int AssistantReplyOpenFailed = 5308;
    public const int AssistantReplyFinishFailed = 5309;
    public const int AssistantBackendFailed = 5310;
    public const int AssistantReplyInterrupted = 5311;
    public const int AssistantReplyCloseFailed = 5312;
    public const int AssistantStopCheckFailed = 5313;
    public const int AssistantFeedbackFailed = 5314;
    public const int AssistantGroupReachLoadFailed = 5315;
    public const int AssistantRetentionPruned = 5316;

    // Assistant replies on DingTalk and WeCom (Assistants/Replies/): 5340–5359.
    public const int AssistantDingTalkCardRefused = 5340;
    public const int AssistantDingTalkUpdateFailed = 5341;
    public const int AssistantDingTalkCloseFailed = 5342;
    public const int AssistantDingTalkSendFellBack = 5343;
    public const int AssistantDingTalkFeedbackNotSent = 5351;
    public const int AssistantWeComUpdateFailed = 5344;
    public const int AssistantWeComContinued = 5345;
    public const int AssistantWeComCloseFellBack = 5346;
    public const int AssistantWeComReplyFellBack = 5347;
    public const int AssistantReplySplit = 5348;
    public const int AssistantFeishuCardKitRefused = 5349;
    public const int AssistantFeishuMessageUpdateFailed = 5350;
    public const int AssistantWeComAnswerCardFailed = 5358;
    public const int AssistantAttachmentFailed = 5360;

    // Documents a question links and answers kept as documents (Feishu/Docs): 5370–5379.
    public const int AssistantLinkedDocument = 5370;
    public const int AssistantLinkedDocumentRefused = 5371;
    public const int AssistantAnswerDocumentWritten = 5372;
    public const int AssistantAnswerDocumentFailed = 5373;

    // Wiki spaces kept in step with Dify knowledge bases (Feishu/Docs/Knowledge): 5380–5389.
    public const int KnowledgeSyncPassed = 5380;
    public const int KnowledgeDocumentNotPushed = 5381;
    public const int KnowledgeSubscribeFailed = 5382;
    public const int KnowledgeSyncChanged = 5383;
    public const int KnowledgeSandboxNotConnected = 5384;

    // Who wrote, and linking one's own account (Assistants/Routing): 5390–5399.
    public const int AssistantSenderMatched = 5390;
    public const int AssistantSenderAmbiguous = 5391;
    public const int AssistantSenderLinkKept = 5392;
    public const int AssistantSenderLookupUnavailable = 5393;
    public const int AssistantLinkCodeLimited = 5394;
    public const int AssistantLinkCodeNotDelivered = 5395;
}
