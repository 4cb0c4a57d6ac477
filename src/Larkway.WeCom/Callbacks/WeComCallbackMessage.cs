using System.Globalization;
using System.Xml;

namespace Larkway.WeCom.Callbacks;

/// <summary>
/// A decrypted app callback (接收消息与事件), typed by <c>MsgType</c> and <c>Event</c>. Every one keeps its XML in
/// <see cref="Raw"/>, so fields this library does not model are still at hand. Unknown types are data
/// (<see cref="WeComUnknownMessage"/>, <see cref="WeComUnknownEvent"/>), never exceptions.
/// </summary>
public abstract record WeComCallbackMessage
{
    /// <summary>The corp id the message was sent to (<c>ToUserName</c>).</summary>
    public string ToUserName { get; init; } = "";

    /// <summary>The sender's userid (<c>FromUserName</c>); for some events the corp or "sys".</summary>
    public string FromUserName { get; init; } = "";

    /// <summary>When WeCom created it (<c>CreateTime</c>, Unix seconds).</summary>
    public DateTimeOffset CreateTime { get; init; }

    /// <summary><c>MsgType</c>: text, image, voice, video, location, link, event, …</summary>
    public string MsgType { get; init; } = "";

    /// <summary>The app's <c>AgentID</c>, when present.</summary>
    public long? AgentId { get; init; }

    /// <summary>The whole plaintext XML.</summary>
    public string Raw { get; init; } = "";

    /// <summary>
    /// The key to drop a redelivery by: <c>MsgId</c> for messages, sender + CreateTime + event for events (WeCom's own
    /// advice; it retries up to three times when the 5 s deadline is missed).
    /// </summary>
    public abstract string DeduplicationKey { get; }

    /// <summary>Parses a decrypted callback (the plaintext XML of <see cref="WeComCallbackCrypto.DecryptXml"/>).</summary>
    /// <exception cref="WeComCallbackException">It is not XML with the documented common fields (<see cref="WeComCallbackError.ParseBody"/>).</exception>
    public static WeComCallbackMessage Parse(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        XmlElement root;
        try
        {
            root = WeComXml.Load(xml).DocumentElement ?? throw new XmlException("no root element");
        }
        catch (XmlException ex)
        {
            throw new WeComCallbackException(WeComCallbackError.ParseBody, $"The decrypted callback is not XML: {ex.Message}", ex);
        }

        var fields = new Fields(root);
        var msgType = fields.Required("MsgType");
        return msgType switch
        {
            "text" => new WeComTextMessage { Content = fields.Str("Content") ?? "" }.With(fields, msgType, xml),
            "image" => new WeComImageMessage { PicUrl = fields.Str("PicUrl"), MediaId = fields.Str("MediaId") }.With(fields, msgType, xml),
            "voice" => new WeComVoiceMessage { MediaId = fields.Str("MediaId"), Format = fields.Str("Format") }.With(fields, msgType, xml),
            "video" => new WeComVideoMessage { MediaId = fields.Str("MediaId"), ThumbMediaId = fields.Str("ThumbMediaId") }.With(fields, msgType, xml),
            "location" => new WeComLocationMessage
            {
                Latitude = fields.Double("Location_X"),
                Longitude = fields.Double("Location_Y"),
                Scale = fields.Long("Scale"),
                Label = fields.Str("Label"),
                AppType = fields.Str("AppType"),
            }.With(fields, msgType, xml),
            "link" => new WeComLinkMessage
            {
                Title = fields.Str("Title"),
                Description = fields.Str("Description"),
                Url = fields.Str("Url"),
                PicUrl = fields.Str("PicUrl"),
            }.With(fields, msgType, xml),
            "event" => ParseEvent(fields, xml),
            _ => new WeComUnknownMessage().With(fields, msgType, xml),
        };
    }

    private static WeComCallbackMessage ParseEvent(Fields fields, string xml)
    {
        var name = fields.Required("Event");
        WeComEvent typed = name switch
        {
            "subscribe" or "unsubscribe" => new WeComSubscribeEvent(),
            "enter_agent" => new WeComEnterAgentEvent(),
            "LOCATION" => new WeComLocationEvent
            {
                Latitude = fields.Double("Latitude"),
                Longitude = fields.Double("Longitude"),
                Precision = fields.Double("Precision"),
            },
            "click" or "view" or "scancode_push" or "scancode_waitmsg" or "pic_sysphoto" or "pic_photo_or_album" or "pic_weixin" or "location_select"
                => new WeComMenuEvent(),
            "template_card_event" => new WeComTemplateCardEvent
            {
                TaskId = fields.Str("TaskId"),
                CardType = fields.Str("CardType"),
                ResponseCode = fields.Str("ResponseCode"),
                SelectedItems = ReadSelectedItems(fields.Element("SelectedItems")),
            },
            "template_card_menu_event" => new WeComTemplateCardMenuEvent
            {
                TaskId = fields.Str("TaskId"),
                CardType = fields.Str("CardType"),
                ResponseCode = fields.Str("ResponseCode"),
            },
            "change_contact" => new WeComChangeContactEvent
            {
                ChangeType = fields.Str("ChangeType") ?? "",
                UserId = fields.Str("UserID"),
                NewUserId = fields.Str("NewUserID"),
                DepartmentId = fields.Long("Id"),
                Name = fields.Str("Name"),
                Departments = fields.List("Department", s => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : (long?)null),
                MainDepartment = fields.Long("MainDepartment"),
                IsLeaderInDept = fields.List("IsLeaderInDept", s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : (int?)null),
                DirectLeader = fields.Strings("DirectLeader"),
                Position = fields.Str("Position"),
                Mobile = fields.Str("Mobile"),
                Gender = (int?)fields.Long("Gender"),
                Email = fields.Str("Email"),
                BizMail = fields.Str("BizMail"),
                Status = (int?)fields.Long("Status"),
                Avatar = fields.Str("Avatar"),
                Alias = fields.Str("Alias"),
                Telephone = fields.Str("Telephone"),
                ParentId = fields.Long("ParentId"),
                Order = fields.Long("Order"),
            },
            "sys_approval_change" => ReadApprovalChange(fields.Element("ApprovalInfo")),
            "kf_msg_or_event" => new WeComKfMessageOrEvent
            {
                Token = fields.Str("Token") ?? "",
                OpenKfId = fields.Str("OpenKfId") ?? "",
            },
            _ => new WeComUnknownEvent(),
        };

        return typed with
        {
            Event = name,
            EventKey = fields.Str("EventKey"),
            ToUserName = fields.Str("ToUserName") ?? "",
            FromUserName = fields.Str("FromUserName") ?? "",
            CreateTime = fields.UnixSeconds("CreateTime"),
            MsgType = "event",
            AgentId = fields.Long("AgentID"),
            Raw = xml,
        };
    }

    private static IReadOnlyList<WeComSelectedItem> ReadSelectedItems(XmlElement? element)
    {
        if (element is null)
        {
            return [];
        }

        var items = new List<WeComSelectedItem>();
        foreach (var item in element.ChildNodes.OfType<XmlElement>().Where(e => e.Name == "SelectedItem"))
        {
            var optionIds = item["OptionIds"]?.ChildNodes.OfType<XmlElement>().Where(e => e.Name == "OptionId").Select(e => e.InnerText).ToArray() ?? [];
            items.Add(new WeComSelectedItem(item["QuestionKey"]?.InnerText ?? "", optionIds));
        }

        return items;
    }

    /// <summary>
    /// <c>sys_approval_change</c>'s <c>ApprovalInfo</c>: the application's number, name, state, template, applicant, each
    /// approver node (<c>SpRecord</c>, repeated) with each approver's decision (<c>Details</c>, repeated), the members copied
    /// and what changed (WeCom spells it <c>StatuChangeEvent</c>; <c>StatusChangeEvent</c> is read too).
    /// </summary>
    private static WeComApprovalChangeEvent ReadApprovalChange(XmlElement? info)
    {
        if (info is null)
        {
            throw new WeComCallbackException(WeComCallbackError.ParseBody, "The sys_approval_change callback has no <ApprovalInfo>.");
        }

        var fields = new Fields(info);
        var applyer = info["Applyer"];
        return new WeComApprovalChangeEvent
        {
            SpNo = fields.Str("SpNoStr") is { Length: > 0 } text ? text : fields.Str("SpNo") ?? "",
            SpName = fields.Str("SpName"),
            SpStatus = (int)(fields.Long("SpStatus") ?? 0),
            TemplateId = fields.Str("TemplateId"),
            ApplyTime = fields.UnixSeconds("ApplyTime"),
            ApplyerUserId = applyer?["UserId"]?.InnerText,
            ApplyerParty = applyer?["Party"]?.InnerText,
            SpRecords = [.. Children(info, "SpRecord").Select(record => new WeComApprovalChangeNode(
                (int)(new Fields(record).Long("SpStatus") ?? 0),
                (int)(new Fields(record).Long("ApproverAttr") ?? 0),
                [.. Children(record, "Details").Select(d => new WeComApprovalChangeDecision(
                    d["Approver"]?["UserId"]?.InnerText ?? "",
                    d["Speech"]?.InnerText,
                    (int)(new Fields(d).Long("SpStatus") ?? 0),
                    new Fields(d).Long("SpTime") ?? 0))]))],
            Notifyer = [.. Children(info, "Notifyer").Select(n => n["UserId"]?.InnerText).OfType<string>()],
            StatusChangeEvent = (int?)(fields.Long("StatuChangeEvent") ?? fields.Long("StatusChangeEvent")),
        };
    }

    private static IEnumerable<XmlElement> Children(XmlElement parent, string name) => parent.ChildNodes.OfType<XmlElement>().Where(e => e.Name == name);

    /// <summary>The root's children by name, read as WeCom writes them (CDATA or text).</summary>
    internal sealed class Fields(XmlElement root)
    {
        public XmlElement? Element(string name) => root[name];

        public string? Str(string name) => root[name]?.InnerText;

        public string Required(string name) =>
            Str(name) is { Length: > 0 } value ? value : throw new WeComCallbackException(WeComCallbackError.ParseBody, $"The decrypted callback has no <{name}>.");

        public long? Long(string name) => long.TryParse(Str(name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

        /// <summary>
        /// A Unix time in seconds (the epoch when absent or not a number); one no date can hold (a forged or damaged
        /// callback) is refused as unreadable rather than thrown as an argument error.
        /// </summary>
        public DateTimeOffset UnixSeconds(string name)
        {
            var seconds = Long(name) ?? 0;
            return seconds >= DateTimeOffset.MinValue.ToUnixTimeSeconds() && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : throw new WeComCallbackException(WeComCallbackError.ParseBody, $"The decrypted callback's <{name}> is not a Unix time in seconds.");
        }

        /// <summary>A comma-separated list ("1,2,3"); null when the field is absent, empty when it is empty.</summary>
        public IReadOnlyList<T>? List<T>(string name, Func<string, T?> parse) where T : struct =>
            Str(name) is { } text ? [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse).OfType<T>()] : null;

        /// <summary>A comma-separated list of strings; null when the field is absent, empty when it is empty.</summary>
        public IReadOnlyList<string>? Strings(string name) =>
            Str(name) is { } text ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;

        public double? Double(string name) => double.TryParse(Str(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}

/// <summary>Helpers to fill the common fields of a parsed message.</summary>
internal static class WeComCallbackMessageExtensions
{
    public static T With<T>(this T message, WeComCallbackMessage.Fields fields, string msgType, string xml)
        where T : WeComMessage => message with
        {
            ToUserName = fields.Str("ToUserName") ?? "",
            FromUserName = fields.Str("FromUserName") ?? "",
            CreateTime = fields.UnixSeconds("CreateTime"),
            MsgType = msgType,
            AgentId = fields.Long("AgentID"),
            Raw = xml,
            MsgId = fields.Str("MsgId"),
        };
}
