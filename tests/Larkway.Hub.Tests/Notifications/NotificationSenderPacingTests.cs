using System.Net;
using System.Text;
using Larkway.Feishu;
using Larkway.Hub.Notifications;
using Larkway.Hub.Platform.Http;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.Notifications;

/// <summary>
/// The sender paces each app's sends at the limits its client enforces (<c>Feishu:RateLimit</c>, configured once), and
/// the sends it paced do not wait in the client's limiter again.
/// </summary>
public sealed class NotificationSenderPacingTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new();
    private readonly FakeFeishu _feishu = new();
    private TempDatabase _db = null!;

    public Task InitializeAsync()
    {
        _db = new TempDatabase();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task The_pacer_takes_the_apps_limits_from_Feishu_RateLimit_and_its_sends_skip_the_clients_limiter()
    {
        // Two a second for the app and no queue in the client's limiter: a third send within a (real) second would fail
        // there with ClientRateLimitQueueFull if the sender's paced sends went through it.
        await using var hub = Hub(("Feishu:RateLimit:MessagesPerSecond", "2"), ("Feishu:RateLimit:QueueLimit", "0"));
        var deliveries = await CreateAsync(hub, "ou_1", "ou_2", "ou_3", "ou_4");
        var sender = hub.Provider.GetRequiredService<NotificationSender>();

        var start = _time.GetUtcNow();
        var first = await HandleAllAsync(sender, deliveries);
        _time.Advance(TimeSpan.FromSeconds(1.1));
        var second = await HandleAllAsync(sender, deliveries.Where((_, i) => first[i].Kind == WorkOutcomeKind.Defer));

        first.Select(o => o.Kind).ShouldBe([WorkOutcomeKind.Done, WorkOutcomeKind.Done, WorkOutcomeKind.Defer, WorkOutcomeKind.Defer]);
        first[2].At.ShouldBe(start + TimeSpan.FromSeconds(1.1));
        second.Select(o => o.Kind).ShouldBe([WorkOutcomeKind.Done, WorkOutcomeKind.Done], string.Join("; ", second.Select(o => o.Error)));
        _feishu.Sends.ShouldBe(4);
    }

    [Fact]
    public async Task With_Feishu_RateLimit_off_nothing_paces()
    {
        await using var hub = Hub(("Feishu:RateLimit:Enabled", "false"), ("Feishu:RateLimit:MessagesPerSecond", "2"));
        var deliveries = await CreateAsync(hub, "ou_1", "ou_2", "ou_3", "ou_4");
        var sender = hub.Provider.GetRequiredService<NotificationSender>();

        var outcomes = await HandleAllAsync(sender, deliveries);

        outcomes.ShouldAllBe(o => o.Kind == WorkOutcomeKind.Done);
        _feishu.Sends.ShouldBe(4);
    }

    private static async Task<List<WorkOutcome<NotificationDeliveryRow>>> HandleAllAsync(NotificationSender sender, IEnumerable<NotificationDeliveryRow> deliveries)
    {
        var outcomes = new List<WorkOutcome<NotificationDeliveryRow>>();
        foreach (var delivery in deliveries)
        {
            outcomes.Add(await sender.HandleAsync(delivery, CancellationToken.None));
        }

        return outcomes;
    }

    private static async Task<IReadOnlyList<NotificationDeliveryRow>> CreateAsync(HubServices hub, params string[] openIds)
    {
        var recipients = string.Join(",", openIds.Select(id => $"{{\"open_id\":\"{id}\"}}"));
        var json = $$"""{"type":"po.created","idempotency_key":"po-1","feishu_template":{"template_id":"AAq1"},"recipients":[{{recipients}}]}""";
        var problems = new List<NotificationProblem>();
        var request = NotificationRequest.Parse(Encoding.UTF8.GetBytes(json), null, problems) ?? throw new InvalidOperationException(string.Join("; ", problems));
        var store = hub.Provider.GetRequiredService<NotificationStore>();
        var created = await store.CreateAsync("key_erp", request, CancellationToken.None);
        return [.. (await store.GetAsync(created.Id, CancellationToken.None))!.Value.Deliveries.OrderBy(d => d.Id)];
    }

    private HubServices Hub(params (string Key, string Value)[] rateLimits)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Feishu:AppId"] = "cli_test",
            ["Feishu:AppSecret"] = "secret",
            ["Feishu:BaseUrl"] = "http://feishu.test",
            ["Feishu:Retry:MaxRetries"] = "0",
        };
        foreach (var (key, value) in rateLimits)
        {
            settings[key] = value;
        }

        return new HubServices(_db, _time, settings: settings, services: s =>
        {
            s.AddFeishu();
            s.AddHttpClient(FeishuBuilder.HttpClientName("")).ConfigurePrimaryHttpMessageHandler(() => _feishu);
            s.AddHubApps(new ConfigurationBuilder().Build());
            s.AddHubNotifications(new ConfigurationBuilder().Build(), o => o.SenderEnabled = false);
            s.AddHubFeishu();
        });
    }

    /// <summary>Feishu answering a token request and message sends.</summary>
    private sealed class FakeFeishu : HttpMessageHandler
    {
        private int _sends;

        public int Sends => Volatile.Read(ref _sends);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            string body;
            if (path.Contains("tenant_access_token", StringComparison.Ordinal))
            {
                body = """{"code":0,"msg":"ok","tenant_access_token":"t-1","expire":7200}""";
            }
            else
            {
                var n = Interlocked.Increment(ref _sends);
                body = $$$"""{"code":0,"msg":"success","data":{"message_id":"om_{{{n}}}","msg_type":"interactive","create_time":"1700000000123","update_time":"1700000000123","deleted":false,"updated":false,"chat_id":"oc_1","sender":{"id":"cli_test","id_type":"app_id","sender_type":"app","tenant_key":"tk"},"body":{"content":"{}"},"mentions":[]}}""";
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
