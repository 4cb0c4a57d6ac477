using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Larkway.Emulator.WeCom.Callbacks;
using Larkway.Emulator.WeCom.Platform;
using Larkway.Emulator.WeCom.State;

namespace Larkway.Emulator.WeCom.Messages;

/// <summary>What a member's action came to: refused (and why), or recorded with the callback's outcome (null: no callback URL).</summary>
internal sealed record MemberActionResult(string? Refusal, InboundMessage? Message, Task<WeComCallbackOutcome?>? Delivery);

/// <summary>
/// What members do in the app's chat, turned into callbacks: writing a text (MsgType text, document 90239) and pressing a
/// template card's button or submitting its choices (Event template_card_event, document 90240, with a new
/// response_code for that member). The outcome — delivered, failed, the decrypted passive reply — is kept on the record.
/// </summary>
internal sealed class MemberActions(WeComOrg org, AppMessageStore store, WeComCallbackSender callbacks, TimeProvider time, Media.MediaStore media)
{
    /// <summary>The largest picture a member sends the app here: WeCom's limit for image media.</summary>
    public const int MaxImageBytes = 10 * 1024 * 1024;

    /// <summary>
    /// The member sends the app a picture (MsgType image, document 90239): its bytes are kept as temporary media (valid 3
    /// days) so <c>/cgi-bin/media/get</c> serves them by the callback's MediaId, and the callback's PicUrl is a plain
    /// link to them under <paramref name="baseUrl"/>.
    /// </summary>
    public MemberActionResult SendImage(string userId, byte[] data, string? fileName, string? contentType, string baseUrl)
    {
        if (org.FindUser(userId) is not { } user)
        {
            return new MemberActionResult("no member has that userid", null, null);
        }

        if (data.Length is <= 5 or > MaxImageBytes)
        {
            return new MemberActionResult($"a picture is 6 bytes to {MaxImageBytes / 1024 / 1024} MB", null, null);
        }

        var name = string.IsNullOrWhiteSpace(fileName) ? "image.jpg" : fileName;
        var stored = media.Add("image", name, string.IsNullOrWhiteSpace(contentType) ? "image/jpeg" : contentType, data, robotKey: null);
        var picUrl = $"{baseUrl.TrimEnd('/')}{Media.MediaEndpoints.PicturePath}/{stored.MediaId}";
        var now = time.GetUtcNow();
        var msgId = WeComIds.MsgId();
        var record = new InboundMessage(msgId, user.UserId, "image", name, now);
        store.AddInbound(record);
        var xml = WeComCallbackSender.Xml(
        [
            ("ToUserName", org.CorpId),
            ("FromUserName", user.UserId),
            ("CreateTime", now.ToUnixTimeSeconds()),
            ("MsgType", "image"),
            ("PicUrl", picUrl),
            ("MediaId", stored.MediaId),
            ("MsgId", long.Parse(msgId, CultureInfo.InvariantCulture)),
            ("AgentID", org.App.AgentId),
        ]);
        return new MemberActionResult(null, record, DeliverAsync(record, "message", xml));
    }

    public MemberActionResult Say(string userId, string text)
    {
        if (org.FindUser(userId) is not { } user)
        {
            return new MemberActionResult("no member has that userid", null, null);
        }

        if (text.Length is 0 or > 2048)
        {
            return new MemberActionResult("write 1 to 2048 characters", null, null);
        }

        var now = time.GetUtcNow();
        var msgId = WeComIds.MsgId();
        var record = new InboundMessage(msgId, user.UserId, "text", text, now);
        store.AddInbound(record);
        var xml = WeComCallbackSender.Xml(
        [
            ("ToUserName", org.CorpId),
            ("FromUserName", user.UserId),
            ("CreateTime", now.ToUnixTimeSeconds()),
            ("MsgType", "text"),
            ("Content", text),
            ("MsgId", long.Parse(msgId, CultureInfo.InvariantCulture)),
            ("AgentID", org.App.AgentId),
        ]);
        return new MemberActionResult(null, record, DeliverAsync(record, "message", xml));
    }

    /// <summary>
    /// A button (<paramref name="key"/>) pressed on the card of <paramref name="msgId"/> as <paramref name="userId"/> sees it;
    /// <paramref name="selected"/> holds the chosen option ids per question_key (vote / multiple / button_selection).
    /// </summary>
    public MemberActionResult Click(string msgId, string userId, string key, IReadOnlyDictionary<string, IReadOnlyList<string>>? selected)
    {
        if (store.Find(msgId) is not { MsgType: "template_card" } message || !message.Recipients.Contains(userId, StringComparer.Ordinal))
        {
            return new MemberActionResult("no template card with that msgid was delivered to that member", null, null);
        }

        if (message.Recalled)
        {
            return new MemberActionResult("the message was recalled", null, null);
        }

        if (message.ReplacedFor(userId) is not null)
        {
            return new MemberActionResult("the card's buttons were made unclickable by update_template_card", null, null);
        }

        using var card = JsonDocument.Parse(message.CardFor(userId));
        var cardType = card.RootElement.Str("card_type") ?? string.Empty;
        var buttons = TemplateCardRules.Buttons(card.RootElement);
        if (!buttons.Any(b => b.Key == key) && !MenuKeys(card.RootElement).Contains(key))
        {
            return new MemberActionResult("the card has no callback button with that key", null, null);
        }

        var now = time.GetUtcNow();
        var code = store.IssueResponseCode(msgId, userId);
        var record = new InboundMessage(WeComIds.MsgId(), userId, "event", key, now) { Event = "template_card_event", CardMsgId = msgId };
        store.AddInbound(record);
        var items = new XElement("SelectedItems", (selected ?? new Dictionary<string, IReadOnlyList<string>>()).Select(pair =>
            new XElement("SelectedItem",
                new XElement("QuestionKey", new XCData(pair.Key)),
                new XElement("OptionIds", pair.Value.Select(id => new XElement("OptionId", new XCData(id)))))));
        var fields = new List<(string, object)>
        {
            ("ToUserName", org.CorpId),
            ("FromUserName", userId),
            ("CreateTime", now.ToUnixTimeSeconds()),
            ("MsgType", "event"),
            ("Event", "template_card_event"),
            ("EventKey", key),
            ("TaskId", card.RootElement.Str("task_id") ?? string.Empty),
            ("CardType", cardType),
            ("ResponseCode", code.Code),
            ("AgentID", org.App.AgentId),
        };
        if (items.HasElements)
        {
            fields.Add(("SelectedItems", new XElement("wrap", items.Elements())));
        }

        return new MemberActionResult(null, record, DeliverAsync(record, "event", WeComCallbackSender.Xml(fields), msgId));
    }

    private static string? ReplacedName(string replyXml)
    {
        try
        {
            var root = XElement.Parse(replyXml);
            return root.Element("MsgType")?.Value == "update_button" ? root.Element("Button")?.Element("ReplaceName")?.Value : null;
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }

    private static IReadOnlyList<string> MenuKeys(JsonElement card) =>
        [.. (card.Obj("action_menu")?.Arr("action_list") ?? []).Select(a => a.Str("key") ?? string.Empty)];

    private async Task<WeComCallbackOutcome?> DeliverAsync(InboundMessage record, string kind, string xml, string? cardMsgId = null)
    {
        var outcome = await callbacks.DeliverAsync(kind, xml, CancellationToken.None);
        if (cardMsgId is not null && outcome?.ReplyXml is { } reply && ReplacedName(reply) is { } name)
        {
            // A passive "update_button" reply (document 90241) makes the clicker's buttons unclickable with that text.
            store.Update(cardMsgId, m => m with
            {
                ReplacedButtons = new Dictionary<string, string>(m.ReplacedButtons ?? new Dictionary<string, string>(), StringComparer.Ordinal) { [record.UserId] = name },
            });
        }

        store.UpdateInbound(record.MsgId, m => outcome is null
            ? m with { Status = "no_callback" }
            : m with { Status = outcome.Delivered ? "delivered" : "failed", ReplyXml = outcome.ReplyXml, ReplyError = outcome.Error });
        return outcome;
    }
}
