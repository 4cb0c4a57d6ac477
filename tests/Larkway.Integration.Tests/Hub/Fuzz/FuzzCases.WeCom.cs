using System.Globalization;
using System.Text;

namespace Larkway.Integration.Tests.Hub.Fuzz;

/// <summary>WeCom's callback (<c>GET|POST /wecom/apps/{name}/callback</c>) under attack.</summary>
internal static partial class FuzzCases
{
    private static long _weComMsgId = 7_000_000_000;

    /// <summary>
    /// The URL check (GET): a right signature over echostrs that are not Base64, other keys' or corps', or junk; the query's
    /// parameters missing, doubled, huge or invalidly encoded. Callbacks (POST): unsigned bodies of every generic kind;
    /// the documented envelope signed right around every generic body encrypted, around mutated messages and events (missing,
    /// doubled, huge and wrongly typed elements, a DTD with an external entity, invalid UTF-8) and around Encrypt values
    /// that do not decrypt; envelopes that are not XML or carry a DTD; the same for an unknown app and a Feishu app's name.
    /// WeCom's WXBizMsgCrypt is the scheme DingTalk's event subscription uses (<see cref="DingTalkWire"/>), with the corp
    /// id as the receiver and the timestamp in seconds.
    /// </summary>
    private static IEnumerable<FuzzRequest> WeCom(FuzzRoute route, string method, FuzzTarget target, List<FuzzBody> generic, Random random)
    {
        var path = route.Path(_ => FuzzTarget.WeComAppName);
        var corpId = target.WeComCorpId;
        if (method == "GET")
        {
            foreach (var (name, echostr) in WeComEchostrs(corpId))
            {
                yield return WeComGet(route, path, "url-check " + name, () => Signed(echostr()));
            }

            foreach (var query in BadEventQueries().Append("echostr=&msg_signature=&timestamp=&nonce=").Append("echostr=%FF%FE&nonce=" + new string('n', 3000)))
            {
                yield return WeComGet(route, path + "?" + query, "url-check query " + query[..Math.Min(query.Length, 60)], () => "");
            }

            yield return WeComGet(route, route.Path(_ => JunkSegments[random.Next(JunkSegments.Length)]), "url-check unknown app", () => Signed(DingTalkWire.Encrypt("e"u8.ToArray(), FuzzTarget.WeComAesKey, corpId)));
            yield return WeComGet(route, route.Path(_ => FuzzTarget.AppName), "url-check a Feishu app's name", () => Signed(DingTalkWire.Encrypt("e"u8.ToArray(), FuzzTarget.WeComAesKey, corpId)));
            yield break;
        }

        foreach (var body in generic)
        {
            yield return WeComPost(route, path, "unsigned " + body.Name, body.ContentType, () => (body.Bytes, ""));
            yield return WeComPost(route, path, "encrypted " + body.Name, "text/xml", () => Envelope(Fresh(body.Bytes), corpId));
        }

        foreach (var (name, plaintext) in WeComPlaintexts(corpId, random))
        {
            yield return WeComPost(route, path, "encrypted " + name, "text/xml", () => Envelope(Encoding.UTF8.GetBytes(plaintext()), corpId));
        }

        foreach (var (name, encrypt) in BadEncrypts(Encoding.UTF8.GetBytes(WeComMessage(corpId, NextMsgId())), corpId)
            .Select(e => (e.Name.Replace("encrypt-other-owner", "encrypt-other-corp", StringComparison.Ordinal), e.Encrypt))
            .Append(("encrypt-other-corp-key", DingTalkWire.Encrypt(Encoding.UTF8.GetBytes(WeComMessage(corpId, 1)), "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", corpId))))
        {
            yield return WeComPost(route, path, "signed " + name, "text/xml", () => (Encoding.UTF8.GetBytes(EnvelopeXml(encrypt, corpId)), Query(encrypt)));
        }

        foreach (var (name, xml) in BadEnvelopes(corpId))
        {
            yield return WeComPost(route, path, "envelope " + name, "text/xml", () => (Encoding.UTF8.GetBytes(xml), Query(EncryptOf(xml))));
        }

        foreach (var query in BadEventQueries())
        {
            var encrypt = DingTalkWire.Encrypt(Encoding.UTF8.GetBytes(WeComMessage(corpId, NextMsgId())), FuzzTarget.WeComAesKey, corpId);
            yield return WeComPost(route, path + "?" + query, "query " + query[..Math.Min(query.Length, 60)], "text/xml", () => (Encoding.UTF8.GetBytes(EnvelopeXml(encrypt, corpId)), ""));
        }

        var valid = () => Envelope(Encoding.UTF8.GetBytes(WeComMessage(corpId, NextMsgId())), corpId);
        yield return WeComPost(route, route.Path(_ => JunkSegments[random.Next(JunkSegments.Length)]), "unknown app", "text/xml", valid);
        yield return WeComPost(route, route.Path(_ => FuzzTarget.AppName), "a Feishu app's name", "text/xml", valid);
        yield return WeComPost(route, route.Path(_ => FuzzTarget.DingTalkAppName), "a DingTalk app's name", "text/xml", valid);
        yield return WeComPost(route, path, "valid", "text/xml", valid);
    }

    private static long NextMsgId() => Interlocked.Increment(ref _weComMsgId);

    private static string Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>The query WeCom signs a callback with (msg_signature over the Token, timestamp, nonce and Encrypt).</summary>
    private static string Query(string encrypt)
    {
        var (timestamp, nonce) = (Now(), Guid.NewGuid().ToString("N")[..10]);
        return $"msg_signature={DingTalkWire.Signature(FuzzTarget.WeComToken, timestamp, nonce, encrypt)}&timestamp={timestamp}&nonce={nonce}";
    }

    /// <summary>A URL check's query: the echostr signed right.</summary>
    private static string Signed(string echostr) => Query(echostr) + "&echostr=" + Uri.EscapeDataString(echostr);

    private static (byte[] Body, string Query) Envelope(byte[] plaintext, string corpId)
    {
        var encrypt = DingTalkWire.Encrypt(plaintext, FuzzTarget.WeComAesKey, corpId);
        return (Encoding.UTF8.GetBytes(EnvelopeXml(encrypt, corpId)), Query(encrypt));
    }

    private static string EnvelopeXml(string encrypt, string corpId) =>
        $"<xml><ToUserName><![CDATA[{corpId}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt><AgentID><![CDATA[{FuzzTarget.WeComAgentId}]]></AgentID></xml>";

    /// <summary>The Encrypt element's text of an envelope (for signing it right), or the whole text when there is none.</summary>
    private static string EncryptOf(string xml)
    {
        var start = xml.IndexOf("<Encrypt><![CDATA[", StringComparison.Ordinal);
        var end = start < 0 ? -1 : xml.IndexOf("]]>", start, StringComparison.Ordinal);
        return start < 0 || end < 0 ? xml : xml[(start + 18)..end];
    }

    private static string WeComMessage(string corpId, long msgId, string content = "hello from the fuzz") =>
        $"<xml><ToUserName><![CDATA[{corpId}]]></ToUserName><FromUserName><![CDATA[alice]]></FromUserName><CreateTime>{Now()}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content><MsgId>{msgId}</MsgId><AgentID>{FuzzTarget.WeComAgentId}</AgentID></xml>";

    private static IEnumerable<(string Name, Func<string> Echostr)> WeComEchostrs(string corpId)
    {
        yield return ("valid", () => DingTalkWire.Encrypt(Encoding.UTF8.GetBytes("echo-" + NextMsgId()), FuzzTarget.WeComAesKey, corpId));
        yield return ("empty-echo", () => DingTalkWire.Encrypt([], FuzzTarget.WeComAesKey, corpId));
        yield return ("other-corp", () => DingTalkWire.Encrypt("echo"u8.ToArray(), FuzzTarget.WeComAesKey, "ww0000000000000000"));
        yield return ("other-key", () => DingTalkWire.Encrypt("echo"u8.ToArray(), "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", corpId));
        yield return ("not-base64", () => "%%% not base64 %%%");
        yield return ("one-block", () => Convert.ToBase64String(new byte[16]));
        yield return ("random", () => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64)));
        yield return ("huge", () => DingTalkWire.Encrypt(new byte[2000], FuzzTarget.WeComAesKey, corpId));
        yield return ("invalid-utf8", () => DingTalkWire.Encrypt([0xFF, 0xFE, 0x00, 0xC3], FuzzTarget.WeComAesKey, corpId));
    }

    /// <summary>Decrypted callbacks as a hostile sender would write them: each field of a message and an event broken in turn.</summary>
    private static IEnumerable<(string Name, Func<string> Plaintext)> WeComPlaintexts(string corpId, Random random)
    {
        string Message(string inner) => $"<xml><ToUserName><![CDATA[{corpId}]]></ToUserName>{inner}<AgentID>{FuzzTarget.WeComAgentId}</AgentID></xml>";
        string Text(string fields) => Message($"<FromUserName><![CDATA[bob]]></FromUserName><CreateTime>{Now()}</CreateTime><MsgType><![CDATA[text]]></MsgType>{fields}");
        string Event(string name, string fields) =>
            Message($"<FromUserName><![CDATA[bob]]></FromUserName><CreateTime>{Now()}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{name}]]></Event>{fields}");

        yield return ("message", () => WeComMessage(corpId, NextMsgId()));
        yield return ("command", () => WeComMessage(corpId, NextMsgId(), "/help"));
        yield return ("no-msgid", () => Text("<Content><![CDATA[x]]></Content>"));
        yield return ("no-content", () => Text($"<MsgId>{NextMsgId()}</MsgId>"));
        yield return ("no-msgtype", () => Message($"<FromUserName>bob</FromUserName><CreateTime>{Now()}</CreateTime><MsgId>{NextMsgId()}</MsgId>"));
        yield return ("no-sender", () => Message($"<CreateTime>{Now()}</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>{NextMsgId()}</MsgId>"));
        yield return ("empty-xml", () => "<xml/>");
        yield return ("not-xml", () => "not xml at all {");
        yield return ("json", () => """{"ToUserName":"x","MsgType":"text"}""");
        yield return ("empty", () => "");
        yield return ("create-time-huge", () => Message($"<FromUserName>bob</FromUserName><CreateTime>99999999999999</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>{NextMsgId()}</MsgId>"));
        yield return ("event-create-time-huge", () => Message("<FromUserName>bob</FromUserName><CreateTime>99999999999999</CreateTime><MsgType>event</MsgType><Event>enter_agent</Event>"));
        yield return ("create-time-negative", () => Message($"<FromUserName>bob</FromUserName><CreateTime>-99999999999999</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>{NextMsgId()}</MsgId>"));
        yield return ("create-time-overflow", () => Message($"<FromUserName>bob</FromUserName><CreateTime>{new string('9', 40)}</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>{NextMsgId()}</MsgId>"));
        yield return ("create-time-text", () => Message($"<FromUserName>bob</FromUserName><CreateTime>yesterday</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>{NextMsgId()}</MsgId>"));
        yield return ("agentid-text", () => $"<xml><ToUserName>{corpId}</ToUserName><FromUserName>bob</FromUserName><CreateTime>{Now()}</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>{NextMsgId()}</MsgId><AgentID>none</AgentID></xml>");
        yield return ("msgid-huge", () => Text("<Content>x</Content><MsgId>" + new string('7', 5000) + "</MsgId>"));
        yield return ("msgid-text", () => Text("<Content>x</Content><MsgId>abc-" + NextMsgId() + "</MsgId>"));
        yield return ("content-huge", () => Text($"<Content><![CDATA[{new string('x', 100_000)}]]></Content><MsgId>{NextMsgId()}</MsgId>"));
        yield return ("content-nested", () => Text($"<Content><a><b><c>x</c></b></a></Content><MsgId>{NextMsgId()}</MsgId>"));
        yield return ("content-control-chars", () => Text($"<Content>&#x1;&#xFFFF;</Content><MsgId>{NextMsgId()}</MsgId>"));
        yield return ("doubled-fields", () => Text($"<Content>a</Content><Content>b</Content><MsgId>{NextMsgId()}</MsgId><MsgId>{NextMsgId()}</MsgId><MsgType>event</MsgType>"));
        yield return ("unknown-msgtype", () => Message($"<FromUserName>bob</FromUserName><CreateTime>{Now()}</CreateTime><MsgType><![CDATA[{new string('z', 500)}]]></MsgType><MsgId>{NextMsgId()}</MsgId>"));
        yield return ("image-no-url", () => Message($"<FromUserName>bob</FromUserName><CreateTime>{Now()}</CreateTime><MsgType>image</MsgType><MsgId>{NextMsgId()}</MsgId>"));
        yield return ("location-text-coords", () => Message($"<FromUserName>bob</FromUserName><CreateTime>{Now()}</CreateTime><MsgType>location</MsgType><Location_X>north</Location_X><Location_Y>NaN</Location_Y><Scale>∞</Scale><MsgId>{NextMsgId()}</MsgId>"));
        yield return ("event-enter-agent", () => Event("enter_agent", "<EventKey></EventKey>"));
        yield return ("event-unknown", () => Event(new string('e', 300), "<EventKey>" + new string('k', 3000) + "</EventKey>"));
        yield return ("event-empty-name", () => Event("", ""));
        yield return ("event-card-click", () => Event("template_card_event", "<EventKey>approve</EventKey><TaskId>" + NextMsgId() + "</TaskId><CardType>button_interaction</CardType><ResponseCode>rc</ResponseCode>"));
        yield return ("event-card-selected-broken", () => Event("template_card_event", "<TaskId>t</TaskId><SelectedItems><SelectedItem><QuestionKey/><OptionIds><OptionId/><OptionId>" + new string('o', 2000) + "</OptionId></OptionIds></SelectedItem><SelectedItem/></SelectedItems>"));
        yield return ("event-contact-id-text", () => Event("change_contact", "<ChangeType>update_party</ChangeType><Id>dept</Id>"));
        yield return ("dtd-external-entity", () => "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" + Text($"<Content>&x;</Content><MsgId>{NextMsgId()}</MsgId>"));
        yield return ("billion-laughs", () => "<!DOCTYPE xml [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><xml><Content>&c;&c;&c;</Content></xml>");
        yield return ("deep-nesting", () => "<xml>" + string.Concat(Enumerable.Repeat("<a>", 5000)) + string.Concat(Enumerable.Repeat("</a>", 5000)) + "</xml>");
        yield return ("namespaced", () => $"<x:xml xmlns:x=\"urn:x\"><x:MsgType>text</x:MsgType><x:MsgId>{NextMsgId()}</x:MsgId></x:xml>");
        yield return ("bom-and-comment", () => "\uFEFF<!-- c --><?pi x?>" + WeComMessage(corpId, NextMsgId()));
        yield return ("two-roots", () => WeComMessage(corpId, NextMsgId()) + "<xml/>");
        yield return ("random-bytes", () => Encoding.Latin1.GetString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(200 + random.Next(200))));
    }

    /// <summary>Envelopes (the outer XML) that are not the documented one.</summary>
    private static IEnumerable<(string Name, string Xml)> BadEnvelopes(string corpId)
    {
        var encrypt = DingTalkWire.Encrypt(Encoding.UTF8.GetBytes(WeComMessage(corpId, 1)), FuzzTarget.WeComAesKey, corpId);
        yield return ("no-encrypt", $"<xml><ToUserName>{corpId}</ToUserName><AgentID>1</AgentID></xml>");
        yield return ("empty-encrypt", "<xml><Encrypt><![CDATA[]]></Encrypt></xml>");
        yield return ("two-encrypts", $"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt><Encrypt>x</Encrypt></xml>");
        yield return ("encrypt-nested", $"<xml><Encrypt><Encrypt>{encrypt}</Encrypt></Encrypt></xml>");
        yield return ("dtd", $"<!DOCTYPE xml [<!ENTITY e SYSTEM \"http://127.0.0.1:9/x\">]><xml><Encrypt><![CDATA[{encrypt}]]></Encrypt><Other>&e;</Other></xml>");
        yield return ("unclosed", $"<xml><Encrypt><![CDATA[{encrypt}]]>");
        yield return ("json-envelope", $"{{\"encrypt\":\"{encrypt}\"}}");
        yield return ("other-root", $"<root><Encrypt><![CDATA[{encrypt}]]></Encrypt></root>");
        yield return ("huge-padding", $"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt><Pad>{new string('p', 300_000)}</Pad></xml>");
    }

    private static FuzzRequest WeComGet(FuzzRoute route, string path, string description, Func<string> query) =>
        new(route.Pattern, $"GET {path[..Math.Min(path.Length, 120)]} {description}", 0, () =>
        {
            var extra = query();
            var uri = extra.Length == 0 ? path : path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + extra;
            return new HttpRequestMessage(HttpMethod.Get, new Uri(uri, UriKind.Relative));
        });

    private static FuzzRequest WeComPost(FuzzRoute route, string path, string description, string? contentType, Func<(byte[] Body, string Query)> build) =>
        new(route.Pattern, $"POST {path[..Math.Min(path.Length, 120)]} {description}", 0, () =>
        {
            var (body, query) = build();
            var uri = query.Length == 0 ? path : path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(uri, UriKind.Relative)) { Content = new ByteArrayContent(body) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType ?? "text/xml");
            return request;
        });
}
