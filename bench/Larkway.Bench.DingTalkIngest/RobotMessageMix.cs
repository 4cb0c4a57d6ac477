using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Larkway.Bench.Ingest;

namespace Larkway.Bench.DingTalkIngest;

/// <summary>One robot message as the Stream frame that carries it, built before the clock starts.</summary>
/// <param name="FrameId">The frame's <c>headers.messageId</c>, which its ack echoes.</param>
/// <param name="MsgId">The robot message's own <c>msgId</c>, the key the Hub stores it under.</param>
/// <param name="Group">A group message that @-mentions the robot (else a one-to-one message).</param>
/// <param name="Frame">The frame's UTF-8 JSON.</param>
internal sealed record RobotPush(string FrameId, string MsgId, bool Group, byte[] Frame);

/// <summary>
/// The robot messages a run pushes, as DingTalk's Stream mode delivers them to an app's robot: a CALLBACK frame on
/// <c>/v1.0/im/bot/messages/get</c> whose <c>data</c> is the message as a JSON string. DingTalk delivers a robot only what
/// is written to it one-to-one (<c>conversationType</c> "1") and group messages that @-mention it ("2", with
/// <c>isInAtList</c>, <c>atUsers</c> naming the robot, <c>conversationTitle</c>, and the mention taken out of the text,
/// a space left where it was). Each message has a fresh <c>msgId</c> and its own <c>sessionWebhook</c> on the session
/// sink, valid 90 minutes; senders and groups come from fixed pools, so conversations repeat as in a real org.
/// Written from DingTalk's protocol description, not taken from the Emulator, so the Hub meets an independent sender.
/// </summary>
internal sealed class RobotMessageMix
{
    public const string Topic = "/v1.0/im/bot/messages/get";

    private static readonly JsonWriterOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
    private static readonly string[] GivenNames = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "文浩"];
    private static readonly string[] GroupTitles = ["研发一部", "采购审批群", "Release train", "客服值班", "Data platform", "财务共享中心", "华东销售", "IT 服务台"];
    private static readonly string[] Platforms = ["Mac", "Win", "Android", "iOS"];

    private readonly Random _random = new(29);
    private readonly string _appKey;
    private readonly string _corpId;
    private readonly string _chatbotUserId;
    private readonly Uri _sessionSink;
    private readonly int _groupPercent;
    private readonly Person[] _people;
    private readonly GroupChat[] _groups;

    public RobotMessageMix(string appKey, Uri sessionSink, int groupPercent)
    {
        _appKey = appKey;
        _sessionSink = sessionSink;
        _groupPercent = groupPercent;
        _corpId = "ding" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("corp:" + appKey)))[..32];
        _chatbotUserId = "$:LWCP_v1:$" + Derive("bot:" + appKey)[..32];
        _people = [.. Enumerable.Range(0, 200).Select(i =>
        {
            var staffId = (3_261_501_553_563_442UL + ((ulong)i * 7_919UL)).ToString("D18", CultureInfo.InvariantCulture);
            var nick = Surnames[i % Surnames.Length] + GivenNames[i / Surnames.Length % GivenNames.Length] + (i >= 120 ? " " + staffId[^4..] : "");
            return new Person(staffId, nick, "$:LWCP_v1:$" + Derive("user:" + staffId)[..22] + "==", "cid" + Derive("single:" + appKey + ":" + staffId), Platforms[i % Platforms.Length]);
        })];
        _groups = [.. GroupTitles.Select(t => new GroupChat(t, "cid" + Derive("group:" + t)))];
    }

    /// <summary>e.g. <c>p2p=50,group=50</c>.</summary>
    public string Spec => $"p2p={100 - _groupPercent},group-at={_groupPercent}";

    /// <summary><paramref name="count"/> pushes, one-to-one and group messages shuffled in the mix's proportion.</summary>
    public List<RobotPush> Build(int count)
    {
        var pushes = new List<RobotPush>(count);
        var nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 0; i < count; i++)
        {
            var group = _random.Next(100) < _groupPercent;
            var sender = _people[_random.Next(_people.Length)];
            var chat = group ? _groups[_random.Next(_groups.Length)] : null;
            var text = EventMix.Texts[_random.Next(EventMix.Texts.Length)];
            var msgId = "msg" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            var frameId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var data = Message(msgId, sender, chat, text, nowMs);
            pushes.Add(new RobotPush(frameId, msgId, group, Frame(frameId, nowMs, data)));
        }

        return pushes;
    }

    /// <summary>The message as DingTalk's robot callback carries it (the official SDKs read these fields).</summary>
    private string Message(string msgId, Person sender, GroupChat? chat, string text, long nowMs)
    {
        var session = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, Relaxed))
        {
            w.WriteStartObject();
            w.WriteString("conversationId", chat?.ConversationId ?? sender.SingleConversationId);
            if (chat is not null)
            {
                w.WriteStartArray("atUsers");
                w.WriteStartObject();
                w.WriteString("dingtalkId", _chatbotUserId);
                w.WriteEndObject();
                w.WriteEndArray();
            }

            w.WriteString("chatbotCorpId", _corpId);
            w.WriteString("chatbotUserId", _chatbotUserId);
            w.WriteString("msgId", msgId);
            w.WriteString("senderNick", sender.Nick);
            w.WriteBoolean("isAdmin", false);
            w.WriteString("senderStaffId", sender.StaffId);
            w.WriteNumber("sessionWebhookExpiredTime", nowMs + (90 * 60 * 1000));
            w.WriteNumber("createAt", nowMs);
            w.WriteString("senderCorpId", _corpId);
            w.WriteString("conversationType", chat is null ? "1" : "2");
            w.WriteString("senderId", sender.SenderId);
            if (chat is not null)
            {
                w.WriteString("conversationTitle", chat.Title);
                w.WriteBoolean("isInAtList", true);
            }
            else
            {
                w.WriteString("openThreadId", sender.SingleConversationId);
            }

            w.WriteString("senderPlatform", sender.Platform);
            w.WriteString("sessionWebhook", new Uri(_sessionSink, "/robot/sendBySession?session=" + session).AbsoluteUri);
            w.WriteStartObject("text");

            // In a group the robot's @-mention is taken out of the text; a space is left where it was.
            w.WriteString("content", chat is null ? text : " " + text);
            w.WriteEndObject();
            w.WriteString("robotCode", _appKey);
            w.WriteString("msgtype", "text");
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary><c>{specVersion, type, headers{contentType, messageId, time, topic}, data}</c>, data a JSON string.</summary>
    private static byte[] Frame(string frameId, long nowMs, string data)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var w = new Utf8JsonWriter(buffer, Relaxed))
        {
            w.WriteStartObject();
            w.WriteString("specVersion", "1.0");
            w.WriteString("type", "CALLBACK");
            w.WriteStartObject("headers");
            w.WriteString("contentType", "application/json");
            w.WriteString("messageId", frameId);
            w.WriteString("time", nowMs.ToString(CultureInfo.InvariantCulture));
            w.WriteString("topic", Topic);
            w.WriteEndObject();
            w.WriteString("data", data);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A stable base64 id from a seed (DingTalk's own ids look like this).</summary>
    private static string Derive(string seed) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(seed)));

    private sealed record Person(string StaffId, string Nick, string SenderId, string SingleConversationId, string Platform);

    private sealed record GroupChat(string Title, string ConversationId);
}
