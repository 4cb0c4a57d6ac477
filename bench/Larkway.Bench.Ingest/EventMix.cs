using System.Globalization;
using System.Net.Http.Json;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Larkway.Bench.Ingest;

/// <summary>
/// The events a run sends: a mix of <c>im.message.receive_v1</c> text messages — in group chats without and with
/// an @-mention of the bot, and in direct (p2p) chats — and <c>im.message.reaction.created_v1</c>, shaped as the
/// official event pages show them (v2 header with <c>create_time</c> in ms; <c>event.sender</c> with its ids and
/// <c>sender_type</c>; <c>event.message</c> with <c>chat_type</c> group/p2p, <c>message_type</c> text, <c>content</c>
/// as a JSON string whose mentions are <c>@_user_N</c> placeholders resolved by the <c>mentions</c> array).
/// </summary>
/// <remarks>
/// Messages that the bots answer (direct messages and mentions) are first posted as the user in the Emulator
/// (its control API, before the clock starts), so the bots' replies have a real message to answer to; the
/// event carries that message's id, chat and time. Group messages the bots ignore get ids of their own.
/// </remarks>
internal sealed class EventMix
{
    public const string Group = "group";
    public const string Mention = "mention";
    public const string P2p = "p2p";
    public const string Reaction = "reaction";

    private const string MessageReceive = "im.message.receive_v1";
    private const string ReactionCreated = "im.message.reaction.created_v1";

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>What people write: short and long, English and Chinese (the DingTalk ingest benchmark sends the same texts).</summary>
    internal static readonly string[] Texts =
    [
        "ok",
        "thanks!",
        "Can someone look at the failing build on main?",
        "I'll be 10 minutes late to the standup.",
        "The release notes are in the doc, please review before 5pm.",
        "收到，我下午看一下",
        "这个需求下周一上线，大家再确认一下测试用例",
        "Does anyone know who owns the billing service? The dashboard shows a spike in 5xx since 14:20 and I'd like to page the right person.",
        "+1",
        "Meeting room B is free at 3, moving the sync there.",
        "请把周报发到群里，谢谢",
        "LGTM, merging now",
    ];

    private readonly IReadOnlyList<(string Kind, int Weight)> _weights;
    private readonly int _total;
    private readonly EmulatorInfo? _info;
    private readonly Uri? _emulator;
    private readonly SignedEvent.Factory _factory;
    private readonly Random _random = new(13);

    private EventMix(IReadOnlyList<(string Kind, int Weight)> weights, EmulatorInfo? info, Uri? emulator, SignedEvent.Factory factory)
    {
        _weights = weights;
        _total = weights.Sum(w => w.Weight);
        _info = info;
        _emulator = emulator;
        _factory = factory;
    }

    /// <summary>The spec, e.g. <c>group=60,mention=15,p2p=15,reaction=10</c>.</summary>
    public string Spec => string.Join(",", _weights.Select(w => $"{w.Kind}={w.Weight}"));

    /// <summary>Share of events the bots answer with a reply.</summary>
    public double RepliedShare => _weights.Where(w => w.Kind is Mention or P2p).Sum(w => w.Weight) / (double)_total;

    public static EventMix Create(string spec, EmulatorInfo? info, Uri? emulator, SignedEvent.Factory factory)
    {
        var weights = new List<(string, int)>();
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2);
            var kind = pair[0];
            if (kind is not (Group or Mention or P2p or Reaction) || pair.Length != 2 || !int.TryParse(pair[1], CultureInfo.InvariantCulture, out var weight) || weight < 0)
            {
                throw new ArgumentException($"--mix: '{part}' is not kind=weight with kind one of {Group}, {Mention}, {P2p}, {Reaction}");
            }

            weights.Add((kind, weight));
        }

        if (weights.Sum(w => w.Item2) <= 0)
        {
            throw new ArgumentException("--mix: the weights add up to nothing");
        }

        if (weights.Any(w => w.Item1 != Reaction && w.Item2 > 0) && (info is null || emulator is null))
        {
            throw new ArgumentException("--mix with messages needs --emulator <url> and --emulator-info <file> (bench/ingest.sh passes them)");
        }

        return new EventMix(weights, info, emulator, factory);
    }

    /// <summary>Builds <paramref name="count"/> signed events in mix proportions (the order shuffled), posting the answered messages in the Emulator first.</summary>
    public async Task<List<SignedEvent>> BuildAsync(HttpClient http, int count)
    {
        var kinds = new string[count];
        for (var i = 0; i < count; i++)
        {
            kinds[i] = Pick();
        }

        var texts = kinds.Select(_ => Texts[_random.Next(Texts.Length)]).ToArray();
        var senders = kinds.Select(_ => _info is null ? null : _info.Users[_random.Next(_info.Users.Count)]).ToArray();
        var groups = kinds.Select(_ => _info is null || _info.Groups.Count == 0 ? null : _info.Groups[_random.Next(_info.Groups.Count)]).ToArray();
        for (var i = 0; i < count; i++)
        {
            // A group message comes from a member of that group.
            if (groups[i] is { } g && kinds[i] is Group or Mention)
            {
                var member = g.Members[_random.Next(g.Members.Count)];
                senders[i] = _info!.Users.FirstOrDefault(u => u.OpenId == member) ?? senders[i];
            }
        }

        var posted = new PostedMessage?[count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count).Where(i => kinds[i] is Mention or P2p),
            new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, ct) => posted[i] = await PostAsync(http, kinds[i], senders[i]!, groups[i], texts[i], ct).ConfigureAwait(false)).ConfigureAwait(false);

        var events = new List<SignedEvent>(count);
        for (var i = 0; i < count; i++)
        {
            var eventId = Guid.NewGuid().ToString("N");
            var nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var json = kinds[i] == Reaction
                ? ReactionEnvelope(eventId, nowMs)
                : MessageEnvelope(eventId, nowMs, kinds[i], senders[i]!, groups[i], texts[i], posted[i]);
            events.Add(_factory.Seal(eventId, kinds[i], json));
        }

        return events;
    }

    private string Pick()
    {
        var roll = _random.Next(_total);
        foreach (var (kind, weight) in _weights)
        {
            if (roll < weight)
            {
                return kind;
            }

            roll -= weight;
        }

        return _weights[^1].Kind;
    }

    /// <summary>The user posts the message in the Emulator (no event subscription there, so nothing is pushed).</summary>
    private async Task<PostedMessage> PostAsync(HttpClient http, string kind, EmulatorInfo.Person sender, EmulatorInfo.Group? group, string text, CancellationToken cancellationToken)
    {
        var info = _info!;
        var path = kind == P2p ? $"/_emulator/apps/{info.AppId}/p2p-messages" : $"/_emulator/chats/{group!.ChatId}/messages";
        var content = kind == Mention ? $"<at user_id=\"{info.Bot.OpenId}\"></at> {text}" : text;
        using var response = await http.PostAsJsonAsync(new Uri(_emulator!, path), new { sender = sender.OpenId, msg_type = "text", content = new { text = content } }, cancellationToken).ConfigureAwait(false);
        var answer = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"the Emulator refused a user message ({(int)response.StatusCode}): {answer}");
        }

        using var json = JsonDocument.Parse(answer);
        var data = json.RootElement.GetProperty("data");
        return new PostedMessage(data.GetProperty("message_id").GetString()!, data.GetProperty("chat_id").GetString()!, data.GetProperty("create_time").GetInt64());
    }

    private string Header(string eventId, string eventType, long nowMs) =>
        "{\"schema\":\"2.0\",\"header\":{"
        + $"\"event_id\":\"{eventId}\",\"event_type\":\"{eventType}\",\"create_time\":\"{nowMs}\","
        + $"\"token\":\"{_factory.VerificationToken}\",\"app_id\":\"{_info?.AppId ?? BenchDefaults.AppId}\",\"tenant_key\":\"{_info?.TenantKey ?? BenchDefaults.TenantKey}\"}},";

    private string MessageEnvelope(string eventId, long nowMs, string kind, EmulatorInfo.Person sender, EmulatorInfo.Group? group, string text, PostedMessage? posted)
    {
        var info = _info!;
        var messageId = posted?.MessageId ?? "om_" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var chatId = posted?.ChatId ?? group?.ChatId ?? "oc_" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var createMs = (posted?.CreateTimeMs ?? nowMs).ToString(CultureInfo.InvariantCulture);
        var mentions = new JsonArray();
        var body = text;
        if (kind == Mention)
        {
            body = "@_user_1 " + text;
            mentions.Add(new JsonObject
            {
                ["key"] = "@_user_1",
                ["id"] = new JsonObject { ["union_id"] = info.Bot.UnionId, ["user_id"] = info.Bot.UserId, ["open_id"] = info.Bot.OpenId },
                ["name"] = info.Bot.Name,
                ["tenant_key"] = info.TenantKey,
            });
        }

        var message = new JsonObject
        {
            ["message_id"] = messageId,
            ["root_id"] = "",
            ["parent_id"] = "",
            ["create_time"] = createMs,
            ["update_time"] = createMs,
            ["chat_id"] = chatId,
            ["thread_id"] = "",
            ["chat_type"] = kind == P2p ? "p2p" : "group",
            ["message_type"] = "text",
            ["content"] = JsonSerializer.Serialize(new Dictionary<string, string> { ["text"] = body }, Compact),
            ["user_agent"] = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Lark/7.20.8 LarkLocale/zh_CN",
        };
        if (mentions.Count > 0)
        {
            message["mentions"] = mentions;
        }

        var @event = new JsonObject
        {
            ["sender"] = new JsonObject
            {
                ["sender_id"] = new JsonObject { ["union_id"] = sender.UnionId, ["user_id"] = sender.UserId, ["open_id"] = sender.OpenId },
                ["sender_type"] = "user",
                ["tenant_key"] = info.TenantKey,
            },
            ["message"] = message,
        };
        return Header(eventId, MessageReceive, nowMs) + "\"event\":" + @event.ToJsonString(Compact) + "}";
    }

    private string ReactionEnvelope(string eventId, long nowMs)
    {
        var messageId = "om_" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var user = _info?.Users[_random.Next(_info.Users.Count)];
        return Header(eventId, ReactionCreated, nowMs)
            + "\"event\":{"
            + $"\"message_id\":\"{messageId}\",\"reaction_type\":{{\"emoji_type\":\"THUMBSUP\"}},\"operator_type\":\"user\","
            + $"\"user_id\":{{\"open_id\":\"{user?.OpenId ?? "ou_7d8a6e6df7621556ce0d21922b676706"}\",\"union_id\":\"{user?.UnionId ?? "on_8ed6aa67826108097d9ee143816345"}\",\"user_id\":\"{user?.UserId ?? "e33ggbyz"}\"}},"
            + $"\"action_time\":\"{nowMs}\"}}}}";
    }

    private sealed record PostedMessage(string MessageId, string ChatId, long CreateTimeMs);
}
