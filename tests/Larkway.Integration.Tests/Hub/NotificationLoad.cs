using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Larkway.Emulator.Seed;
using Larkway.Emulator.State;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// A few hundred notification deliveries for fault tests: many people (half named by open_id, half by email, each
/// getting several), and the general chat in every tenth. Knows what every recipient must end up with, and checks
/// the Emulator holds exactly that: one message per delivery, none missing, none twice.
/// </summary>
internal sealed partial class NotificationLoad
{
    private readonly List<(string Marker, object[] Recipients, string[] Expected)> _notifications = [];

    private NotificationLoad(EmulatorState state, int count, int people)
    {
        var general = state.Chats.Single(c => c.Name == DefaultSeed.GeneralChatName).ChatId;
        var users = Enumerable.Range(1, people)
            .Select(i => state.AddUser(new EmulatorUser($"ou_load{i:D4}", $"on_load{i:D4}", $"u_load{i:D4}", $"Load {i}", $"load{i:D4}@example.com", ["eng"])))
            .ToList();
        for (var i = 0; i < count; i++)
        {
            var first = users[i % people];
            var second = users[((i * 7) + 3) % people];
            if (second == first)
            {
                second = users[(i + 1) % people];
            }

            var recipients = new List<object> { Named(first, byEmail: i % 2 == 1), Named(second, byEmail: i % 2 == 0) };
            var expected = new List<string> { first.OpenId, second.OpenId };
            if (i % 10 == 0)
            {
                recipients.Add(new { chat_id = general });
                expected.Add(general);
            }

            _notifications.Add(($"FLT-{i:D4}", [.. recipients], [.. expected]));
        }
    }

    /// <summary>Deliveries in all.</summary>
    public int Deliveries => _notifications.Sum(n => n.Expected.Length);

    public IReadOnlyList<string> Ids { get; private set; } = [];

    /// <summary>Adds <paramref name="people"/> users to the Emulator and plans <paramref name="count"/> notifications.</summary>
    public static NotificationLoad Plan(EmulatorState state, int count = 120, int people = 40) => new(state, count, people);

    /// <summary>Creates an API key with the admin key; returns the key.</summary>
    public static async Task<string> CreateKeyAsync(Uri hub, string adminKey)
    {
        using var admin = Client(hub, adminKey);
        using var response = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "load", types = new[] { "*" } });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("key").GetString()!;
    }

    /// <summary>Posts every notification (a few at once), each accepted.</summary>
    public async Task PostAllAsync(Uri hub, string key)
    {
        using var client = Client(hub, key);
        var ids = new string[_notifications.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, _notifications.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var (marker, recipients, _) = _notifications[i];
            using var response = await client.PostAsJsonAsync("/api/v1/notifications", Request(marker, recipients), ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode} {response.StatusCode}, {response.Content.Headers.ContentLength ?? -1} bytes: {text}");
            ids[i] = JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
        });
        Ids = ids;
    }

    /// <summary>Bot messages in the Emulator carrying one of this load's markers.</summary>
    public static int PostedCount(EmulatorState state) =>
        state.Chats.Sum(c => state.MessagesIn(c.ChatId).Count(m => m.Sender.SenderType == "app" && MarkerPattern().IsMatch(m.Content)));

    /// <summary>Waits until the Hub reports every notification sent (a hang guard, not a timing assertion).</summary>
    public async Task WaitAllSentAsync(Uri hub, string key, int seconds = 120)
    {
        using var client = Client(hub, key);
        var pending = new HashSet<string>(Ids, StringComparer.Ordinal);
        var last = "";
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (pending.Count > 0)
        {
            foreach (var id in pending.ToList())
            {
                var status = await client.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}", CancellationToken.None);
                last = status.GetRawText();
                if (status.GetProperty("status").GetString() == "sent")
                {
                    pending.Remove(id);
                }
                else
                {
                    break;
                }
            }

            if (pending.Count > 0)
            {
                try
                {
                    await Task.Delay(100, cts.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new TimeoutException($"{pending.Count} notifications not sent; last seen: {last}");
                }
            }
        }
    }

    /// <summary>Every recipient has exactly one message of every notification addressed to it, and nothing else was posted.</summary>
    public void AssertExactlyOnce(EmulatorState state)
    {
        var expected = _notifications.SelectMany(n => n.Expected.Select(to => (n.Marker, To: to))).ToList();
        var posted = new List<(string Marker, string To)>();
        foreach (var chat in state.Chats)
        {
            var to = chat.ChatMode == ChatModes.P2p ? chat.MemberOpenIds.Single() : chat.ChatId;
            foreach (var message in state.MessagesIn(chat.ChatId).Where(m => m.Sender.SenderType == "app"))
            {
                if (MarkerPattern().Match(message.Content) is { Success: true } match)
                {
                    posted.Add((match.Value, to));
                }
            }
        }

        var twice = posted.GroupBy(p => p).Where(g => g.Count() > 1).Select(g => $"{g.Key} ×{g.Count()}").ToList();
        var missing = expected.Except(posted).Select(e => e.ToString()).ToList();
        var unexpected = posted.Except(expected).Select(e => e.ToString()).ToList();
        Assert.True(twice.Count == 0, "posted more than once: " + string.Join(", ", twice.Take(10)));
        Assert.True(missing.Count == 0, $"{missing.Count} never posted: " + string.Join(", ", missing.Take(10)));
        Assert.True(unexpected.Count == 0, "posted to the wrong recipient: " + string.Join(", ", unexpected.Take(10)));
        Assert.Equal(expected.Count, posted.Count);
    }

    private static object Named(EmulatorUser user, bool byEmail) => byEmail ? new { email = user.Email } : new { open_id = user.OpenId };

    private static object Request(string marker, object[] recipients) => new
    {
        type = "purchase_order.created",
        idempotency_key = marker,
        card = new
        {
            header = new { title = new { tag = "plain_text", content = marker } },
            elements = new[] { new { tag = "div", text = new { tag = "lark_md", content = "Load test **" + marker + "**" } } },
        },
        recipients,
    };

    private static HttpClient Client(Uri hub, string key)
    {
        var client = new HttpClient { BaseAddress = hub };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    [GeneratedRegex("FLT-[0-9]{4}")]
    private static partial Regex MarkerPattern();
}
