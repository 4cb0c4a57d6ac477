using System.Text.Json.Serialization;
using Larkway.Emulator.Approval;
using Larkway.Emulator.Platform;

namespace Larkway.Emulator.State;

/// <summary>
/// The state file's content: the whole emulated tenant — directory, chats, messages (cards included), uploads,
/// custom bots, subscriptions, approvals, bases (Bitable), documents and wiki spaces (Docs), issued tokens, the DingTalk robots and tokens, and WeCom's messages, media and tokens. Not in it: events waiting for a retry, rate-limit
/// windows, injected faults, long connections and the delivery log (they start empty, as after a restart of Feishu's
/// own gateway).
/// </summary>
internal sealed record EmulatorSnapshot(string Format, int Version, DateTimeOffset SavedAt, TenantSnapshot Tenant, ApprovalsSnapshot Approvals, IReadOnlyList<IssuedToken> Tokens, AuthenSnapshot? Authen = null, Larkway.Emulator.Bitable.BitableSnapshot? Bitable = null, Larkway.Emulator.DingTalk.State.DingTalkSnapshot? DingTalk = null, Larkway.Emulator.WeCom.State.WeComSnapshot? WeCom = null, Larkway.Emulator.CardKit.CardKitSnapshot? CardKit = null, Larkway.Emulator.AiBackend.AiBackendSnapshot? AiBackend = null, Larkway.Emulator.Docs.DocsSnapshot? Docs = null)
{
    /// <summary>Names the file's kind, so another JSON file given by mistake is never read as state.</summary>
    public const string FormatName = "larkway-emulator-state";

    /// <summary>The layout this build writes and reads; a file with another is set aside, never half-read.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Fails with a sentence naming the first thing that does not fit (the file is then set aside).</summary>
    public void Check()
    {
        if (Format != FormatName || Version != CurrentVersion)
        {
            throw new InvalidDataException($"it is not a version {CurrentVersion} Larkway Emulator state file (format '{Format}', version {Version})");
        }

        Tenant.Check();
        Approvals.Check();
        Bitable?.Check();
        DingTalk?.Check();
        WeCom?.Check();
        Docs?.Check();
    }
}

/// <summary>What <see cref="EmulatorState"/> holds.</summary>
internal sealed record TenantSnapshot(
    EmulatorTenant Tenant,
    IReadOnlyList<EmulatorApp> Apps,
    IReadOnlyList<EmulatorUser> Users,
    IReadOnlyList<EmulatorDepartment> Departments,
    IReadOnlyList<EmulatorChat> Chats,
    IReadOnlyList<EmulatorMessage> Messages,
    IReadOnlyList<EmulatorResource> Resources,
    IReadOnlyList<CustomBotWebhook> Webhooks,
    IReadOnlyList<ReadReceipt> Reads,
    IReadOnlyList<EventSubscription> EventSubscriptions,
    IReadOnlyList<CardCallbackSettings> CardCallbacks,
    IReadOnlyList<UuidClaim> MessageUuids,
    IReadOnlyList<UuidClaim> ChatUuids,
    long Sequence)
{
    /// <summary>The app whose open_ids the file's records hold; absent in files written before per-app ids (their first app).</summary>
    public string? HomeAppId { get; init; }

    public void Check()
    {
        var chats = Chats.Select(c => c.ChatId).ToHashSet(StringComparer.Ordinal);
        if (Messages.FirstOrDefault(m => !chats.Contains(m.ChatId)) is { } orphan)
        {
            throw new InvalidDataException($"message {orphan.MessageId} belongs to chat {orphan.ChatId}, which the file does not have");
        }

        var messages = Messages.Select(m => m.MessageId).ToHashSet(StringComparer.Ordinal);
        if (MessageUuids.FirstOrDefault(u => !messages.Contains(u.Id)) is { } claim)
        {
            throw new InvalidDataException($"send uuid '{claim.Uuid}' names message {claim.Id}, which the file does not have");
        }

        if (ChatUuids.FirstOrDefault(u => !chats.Contains(u.Id)) is { } chatClaim)
        {
            throw new InvalidDataException($"create-chat uuid '{chatClaim.Uuid}' names chat {chatClaim.Id}, which the file does not have");
        }
    }
}

/// <summary>An app's uuid that still de-duplicates (a sent message or a created chat) until <paramref name="Expires"/>.</summary>
internal sealed record UuidClaim(string AppId, string Uuid, string Id, DateTimeOffset Expires);

/// <summary>
/// Sign-in: each app's OAuth settings, and the user authorizations with their live access and refresh tokens (a signed-in
/// session survives a restart). Codes, QR logins and H5 signatures are not kept: they live minutes. Optional, so a file
/// written before sign-in existed still reads.
/// </summary>
internal sealed record AuthenSnapshot(
    IReadOnlyList<Authen.OAuthAppSettings> Apps,
    IReadOnlyList<Authen.UserGrant> Grants,
    IReadOnlyList<Authen.UserAccessToken> AccessTokens,
    IReadOnlyList<Authen.UserRefreshToken> RefreshTokens);

/// <summary>What the approval store holds.</summary>
internal sealed record ApprovalsSnapshot(
    IReadOnlyList<ApprovalDefinition> Definitions,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Subscribers,
    IReadOnlyList<ApprovalInstance> Instances,
    IReadOnlyList<ExternalDefinition> ExternalDefinitions,
    IReadOnlyList<ExternalInstance> ExternalInstances,
    long LastId)
{
    public void Check()
    {
        var codes = Definitions.Select(d => d.Code).ToHashSet(StringComparer.Ordinal);
        if (Instances.FirstOrDefault(i => !codes.Contains(i.ApprovalCode)) is { } orphan)
        {
            throw new InvalidDataException($"approval instance {orphan.Code} belongs to definition {orphan.ApprovalCode}, which the file does not have");
        }
    }
}

/// <summary>
/// Source-generated JSON for the state file: snake_case, enums by name, and strict — a missing field or a null where
/// none belongs fails the read (and the file is set aside) instead of leaving a half-built tenant.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(EmulatorSnapshot))]
[JsonSerializable(typeof(Bitable.BitableBase))]
[JsonSerializable(typeof(Docs.DocsSnapshot))]
internal sealed partial class StateSnapshotJson : JsonSerializerContext;
