using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Larkway.Bench.Ingest;

namespace Larkway.Bench.WeComIngest;

/// <summary>One WeCom callback request, built before the clock starts.</summary>
/// <param name="MsgId">The message's <c>MsgId</c>, the key the Hub stores it under.</param>
/// <param name="Retry">A re-delivery of a message sent earlier in the run (same MsgId, encrypted again).</param>
/// <param name="PathAndQuery">The callback URL's path and its <c>msg_signature</c>, <c>timestamp</c> and <c>nonce</c>.</param>
/// <param name="Body">The UTF-8 XML body: <c>&lt;xml&gt;&lt;ToUserName/&gt;&lt;Encrypt/&gt;&lt;AgentID/&gt;&lt;/xml&gt;</c>.</param>
internal sealed record WeComCallback(string MsgId, bool Retry, string PathAndQuery, byte[] Body);

/// <summary>
/// The callbacks a run POSTs, as WeCom delivers a member's text message to a self-built app's API receiving URL (接收消息):
/// the message XML (ToUserName the corp id, FromUserName the member's userid, CreateTime, MsgType text, Content, a 64-bit
/// MsgId, AgentID) encrypted for the corp and signed with the app's Token, each with a fresh nonce. Members come from a
/// pool of 200, texts from the Feishu generator's. A share of the requests (<c>retryPercent</c>) are WeCom's retries: a
/// message sent earlier in the same run, encrypted again under a new nonce — the Hub must store it once and ack both.
/// Written from WeCom's documentation of 接收消息 and 加解密方案, not taken from the Emulator.
/// </summary>
internal sealed class WeComCallbackMix
{
    private readonly Random _random = new(30);
    private readonly WeComEnvelope _envelope;
    private readonly string _corpId;
    private readonly long _agentId;
    private readonly string _path;
    private readonly int _retryPercent;
    private readonly string[] _members = [.. Enumerable.Range(0, 200).Select(i => "wcm" + i.ToString("D3", CultureInfo.InvariantCulture))];
    private long _nextMsgId = 7_400_000_000_000_000_000L + (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() % 1_000_000_000L * 1_000_000L);

    public WeComCallbackMix(WeComEnvelope envelope, string corpId, long agentId, string appName, int retryPercent)
    {
        _envelope = envelope;
        _corpId = corpId;
        _agentId = agentId;
        _path = $"/wecom/apps/{appName}/callback";
        _retryPercent = retryPercent;
    }

    public string Spec => $"text messages, {_retryPercent}% of the requests retries of one sent earlier";

    /// <summary><paramref name="count"/> requests, retries among them (never before the message they repeat).</summary>
    public List<WeComCallback> Build(int count)
    {
        var callbacks = new List<WeComCallback>(count);
        var sent = new List<string>(count);
        var createTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        for (var i = 0; i < count; i++)
        {
            if (sent.Count > 0 && _random.Next(100) < _retryPercent)
            {
                var again = sent[_random.Next(sent.Count)];
                callbacks.Add(Seal(again, Plaintexts[again], retry: true));
                continue;
            }

            var msgId = (_nextMsgId++).ToString(CultureInfo.InvariantCulture);
            var member = _members[_random.Next(_members.Length)];
            var text = EventMix.Texts[_random.Next(EventMix.Texts.Length)];
            var plaintext = $"<xml><ToUserName><![CDATA[{_corpId}]]></ToUserName><FromUserName><![CDATA[{member}]]></FromUserName><CreateTime>{createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content><MsgId>{msgId}</MsgId><AgentID>{_agentId}</AgentID></xml>";
            Plaintexts[msgId] = plaintext;
            sent.Add(msgId);
            callbacks.Add(Seal(msgId, plaintext, retry: false));
        }

        Plaintexts.Clear();
        return callbacks;
    }

    private Dictionary<string, string> Plaintexts { get; } = new(StringComparer.Ordinal);

    private WeComCallback Seal(string msgId, string plaintext, bool retry)
    {
        var encrypt = _envelope.Encrypt(plaintext);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        var signature = _envelope.Sign(timestamp, nonce, encrypt);
        var body = $"<xml><ToUserName><![CDATA[{_corpId}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt><AgentID><![CDATA[{_agentId}]]></AgentID></xml>";
        return new WeComCallback(msgId, retry, $"{_path}?msg_signature={signature}&timestamp={timestamp}&nonce={nonce}", Encoding.UTF8.GetBytes(body));
    }
}
