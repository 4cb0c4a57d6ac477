using Larkway.Feishu;
using Larkway.Hub.Apps;

namespace Larkway.Hub.Feishu;

/// <summary>
/// Feishu as the Apps room knows it: <c>feishu</c>, and <c>lark</c> for a Feishu app on Lark's host (same API, another
/// host); the scopes per feature; its event and card URLs. Every app stored before platforms existed is one.
/// </summary>
internal sealed class FeishuHubPlatform : HubPlatformInfo
{
    /// <inheritdoc />
    public override string Name => HubAppPlatform.Feishu;

    /// <inheritdoc />
    public override string DisplayName => "Feishu";

    /// <inheritdoc />
    public override Uri DefaultBaseUrl => FeishuBaseUrls.Feishu;

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, Uri> Aliases { get; } = new Dictionary<string, Uri>(StringComparer.Ordinal) { ["lark"] = FeishuBaseUrls.Lark };

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, Uri> BaseUrlWords { get; } = new Dictionary<string, Uri>(StringComparer.Ordinal)
    {
        ["feishu"] = FeishuBaseUrls.Feishu,
        ["lark"] = FeishuBaseUrls.Lark,
    };

    /// <inheritdoc />
    public override string AppIdExample => "cli_a1b2c3d4e5f60001";

    /// <inheritdoc />
    public override string AppIdRequired => $"Required: the app's App ID (developer console → Credentials & Basic Info), e.g. {AppIdExample}.";

    /// <summary>
    /// The minimum scopes per feature. Each API lists several scopes of which any one suffices; the narrowest is listed.
    /// The bot's own info (used by "test connection") needs no scope, only the bot capability; card callbacks need none.
    /// </summary>
    public override IReadOnlyList<HubAppScopeRow> Scopes { get; } =
    [
        new(HubAppFeatures.Bot, "im:message:send_as_bot", "Send messages as an app",
            "Replies to users and card updates (PATCH /im/v1/messages accepts it).", true),
        new(HubAppFeatures.Bot, "im:message.p2p_msg:readonly", "Read direct messages sent to the bot",
            "Receive im.message.receive_v1 for one-to-one chats with the bot.", false),
        new(HubAppFeatures.Bot, "im:message.group_at_msg:readonly", "Receive group messages that @mention the bot",
            "Receive im.message.receive_v1 when the bot is @-mentioned in a group.", false),
        new(HubAppFeatures.Bot, "cardkit:card:write", "Create and update cards",
            "Assistant answers stream into a CardKit card (POST /cardkit/v1/cards, then its element's content); without it they fall back to message cards updated by PATCH.", true),
        new(HubAppFeatures.Notifications, "im:message:send_as_bot", "Send messages as an app",
            "Notifications are sent as the bot (POST /im/v1/messages) and edited in place (PATCH).", true),
        new(HubAppFeatures.EmailLookup, "contact:user.id:readonly", "Obtain user ID via email or mobile number",
            "Recipients given by email are resolved to open_ids (POST /contact/v3/users/batch_get_id); only users in the app's availability range are found.", true),
    ];

    /// <summary>The configured app's events come to <c>/feishu/events</c>, a stored app's to its own path.</summary>
    public override string EventsPath(HubAppInfo app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.ReadOnly ? "/feishu/events" : $"/feishu/apps/{app.Name}/events";
    }

    /// <inheritdoc />
    public override string CardsPath(HubAppInfo app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.ReadOnly ? "/feishu/cards" : $"/feishu/apps/{app.Name}/cards";
    }

    /// <inheritdoc />
    public override HubAppFormLabels FormLabels { get; } = new("App ID", "App Secret", "Encrypt Key", "Verification Token", "feishu, lark or https://…");

    /// <summary>The console writes Feishu with Lark, its international host, since one form serves both.</summary>
    public override string ConsoleName => "Feishu / Lark";

    /// <inheritdoc />
    public override string? ConsoleFormFields => "/Feishu/Console/_FeishuAppFields.cshtml";

    /// <summary>A Feishu app chooses webhooks or the long connection for its events and card callbacks.</summary>
    public override HubAppFields OwnFields => HubAppFields.LongConnection;

    /// <summary>Feishu's old-style card callbacks are signed with the Verification Token; each app says whether it accepts them.</summary>
    public override bool HasLegacyCardCallbacks => true;

    /// <summary>Feishu's people come from the directory sync, so nobody is linked to a Feishu app by hand.</summary>
    public override bool LinksPeopleByHand => false;
}
