using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.WeCom.CustomerService;
using Larkway.Hub.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// WeCom customer service (微信客服) end to end against the Emulator: a customer outside the company writes to the sandbox's
/// account, the callback asks for a pull, the Hub stores what sync_msg gives and its assistant answers on the customer's
/// page, once; asking for a person hands the session to WeCom's queue and the assistant stays silent while people hold
/// it; an account's backlog from before it was added is history; a lost cursor or a pull asked again adds nothing twice.
/// </summary>
public sealed class HubAssistantWeComCustomerServiceTests
{
    private const string Account = "wkLarkwaySandboxKf000001";

    [Fact]
    public async Task A_customer_is_welcomed_and_answered_once_on_their_page_and_a_pull_asked_again_answers_nothing_twice()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["Larkway:Sandbox:Assistant"] = "true" });
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.SetAiAsync(new { tokens_per_second = 500, answer_words = 8 });
        await WaitForFirstPullAsync(hub, Account);
        using var admin = Admin(hub);
        using (var subscribed = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/crm", event_types = new[] { "wecom.kf.*" } }))
        {
            subscribed.StatusCode.ShouldBe(HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());
        }

        // The customer opens the link: the account's welcome, sent with the event's code.
        await ActAsync(hub, "wmCustomerAnna", "enter", new { scene = "website", nickname = "Anna" });
        await HubSandbox.WaitUntilAsync(() => Received(hub, "wmCustomerAnna").Any(m => m.OnEvent && m.Text.Contains("Larkway Support", StringComparison.Ordinal)),
            "the welcome on Anna's page", seconds: 60);

        // Her question: answered by the sandbox's assistant as a customer, on her page, the session taken by the assistant (1).
        await ActAsync(hub, "wmCustomerAnna", "say", new { text = "What are your opening hours?" });
        var turn = (await driver.EndedTurnsAsync(1, 60)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        turn.ConversationKind.ShouldBe("customer");
        turn.Platform.ShouldBe("wecom");
        await HubSandbox.WaitUntilAsync(() => Answers(hub, "wmCustomerAnna", "What are your opening hours?") == 1, "the answer on Anna's page", seconds: 60);
        (await ViewAsync(hub, "wmCustomerAnna")).GetProperty("service_state").GetInt32().ShouldBe(1, "the assistant took the session");

        // A pull asked again (a callback WeCom sent again): the stored items are skipped, nothing is answered twice.
        var requests = hub.Host.Services.GetRequiredService<KfPullRequests>();
        (await requests.RequestAsync("wecom-sandbox", Account, null, CancellationToken.None)).ShouldBeTrue();
        await WaitForPullAsync(hub, Account);
        (await driver.TurnsAsync()).Count.ShouldBe(1);
        Answers(hub, "wmCustomerAnna", "What are your opening hours?").ShouldBe(1);

        // The transcript keeps each item once: the event, her message and the Hub's welcome and answer.
        var stored = await StoredAsync(hub, Account);
        stored.GroupBy(m => m.MsgId).ShouldAllBe(g => g.Count() == 1);
        stored.Where(m => m.ExternalUserId == "wmCustomerAnna" && m.Origin == KfOrigins.Customer).ShouldHaveSingleItem().Route.ShouldBe(KfRoutes.Assistant);
        stored.Count(m => m.ExternalUserId == "wmCustomerAnna" && m.Origin == KfOrigins.Hub).ShouldBe(2, "the welcome and the answer");

        // A CRM subscribed to wecom.kf.* hears of each once: her entering, her message, the Hub's welcome and answer, the
        // assistant taking the session; never the one-use welcome code.
        var forwarded = await ForwardedAsync(hub);
        forwarded.Count(f => f.Type == "wecom.kf.event" && f.Body.Contains("\"event_type\":\"enter_session\"", StringComparison.Ordinal)).ShouldBe(1);
        forwarded.Count(f => f.Type == "wecom.kf.message" && f.Body.Contains("\"origin\":\"customer\"", StringComparison.Ordinal)
            && f.Body.Contains("What are your opening hours?", StringComparison.Ordinal)).ShouldBe(1);
        forwarded.Count(f => f.Type == "wecom.kf.message" && f.Body.Contains("\"origin\":\"hub\"", StringComparison.Ordinal)).ShouldBe(2);
        forwarded.Count(f => f.Type == "wecom.kf.session" && f.Body.Contains("\"reason\":\"assistant\"", StringComparison.Ordinal)).ShouldBe(1);
        forwarded.ShouldAllBe(f => !f.Body.Contains("welcome_code"));
        forwarded.Select(f => f.Id).Distinct().Count().ShouldBe(forwarded.Count);

        // The console names her as WeChat does (customer/batchget's nickname).
        var console = hub.Host.Services.GetRequiredService<Larkway.Hub.AdminConsole.ICustomerServiceConsole>();
        (await console.SessionsAsync(50, CancellationToken.None)).Single(v => v.Customer == "wmCustomerAnna").Name.ShouldBe("Anna");
        (await console.SessionAsync("wecom-sandbox", Account, "wmCustomerAnna", CancellationToken.None))!.Name.ShouldBe("Anna");

        // An unknown account's callback asks for nothing.
        (await requests.RequestAsync("wecom-sandbox", "wkNotServedByTheHub0001", null, CancellationToken.None)).ShouldBeFalse();
    }

    [Fact]
    public async Task Asking_for_a_person_hands_the_session_to_the_queue_the_assistant_stays_silent_while_people_hold_it_and_answers_again_after_it_ends()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["Larkway:Sandbox:Assistant"] = "true" });
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.SetAiAsync(new { tokens_per_second = 500, answer_words = 8 });
        await WaitForFirstPullAsync(hub, Account);

        // 转人工: WeCom's queue (2), the hand-over message on the page, no turn for the assistant.
        await ActAsync(hub, "wmCustomerBen", "say", new { text = "转人工" });
        await HubSandbox.WaitUntilAsync(() => View(hub, "wmCustomerBen").GetProperty("service_state").GetInt32() == 2, "Ben's session in the queue", seconds: 60);
        await HubSandbox.WaitUntilAsync(() => Received(hub, "wmCustomerBen").Any(m => m.Text.Contains("A colleague will answer you", StringComparison.Ordinal)),
            "the hand-over message", seconds: 60);

        // Waiting, then with a receptionist: his messages are stored and left to people.
        await ActAsync(hub, "wmCustomerBen", "say", new { text = "Are you there?" });
        await ActAsync(hub, "wmCustomerBen", "take", new { servicer = "carol" });
        await ActAsync(hub, "wmCustomerBen", "servicer-say", new { text = "Hi Ben, Carol here." });
        await ActAsync(hub, "wmCustomerBen", "say", new { text = "My order is late" });
        await HubSandbox.WaitUntilAsync(() => StoredAsync(hub, Account).GetAwaiter().GetResult().Count(m => m.ExternalUserId == "wmCustomerBen" && m.Route == KfRoutes.People) == 2,
            "both messages left to people", seconds: 60);
        (await driver.TurnsAsync()).ShouldBeEmpty("the assistant stays silent while people hold the session");
        var session = await SessionAsync(hub, "wmCustomerBen");
        session.State.ShouldBe(3);
        session.ServicerUserId.ShouldBe("carol");
        session.Handovers.ShouldBe(1);

        // Carol ends it: the end message; his next message starts with the assistant again.
        await ActAsync(hub, "wmCustomerBen", "end", null);
        await HubSandbox.WaitUntilAsync(() => Received(hub, "wmCustomerBen").Any(m => m.OnEvent && m.Text.Contains("Thank you for contacting", StringComparison.Ordinal)),
            "the end message", seconds: 60);
        await ActAsync(hub, "wmCustomerBen", "say", new { text = "One more question" });
        var turn = (await driver.EndedTurnsAsync(1, 60)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        await HubSandbox.WaitUntilAsync(() => Answers(hub, "wmCustomerBen", "One more question") == 1, "the answer on Ben's page", seconds: 60);
    }

    [Fact]
    public async Task The_hand_over_button_the_backends_signal_and_the_answer_limit_each_hand_a_customer_to_people()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?>
        {
            ["Larkway:Sandbox:Assistant"] = "true",
            ["Larkway:WeCom:CustomerService:HandoverSignal"] = "#PEOPLE#",
        });
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.SetAiAsync(new { tokens_per_second = 500, answer_words = 8 });
        await WaitForFirstPullAsync(hub, Account);
        using var admin = Admin(hub);
        using (var subscribed = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/crm", event_types = new[] { "wecom.kf.session" } }))
        {
            subscribed.StatusCode.ShouldBe(HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());
        }

        using (var put = await admin.PutAsJsonAsync($"/api/v1/wecom/apps/wecom-sandbox/customer-service/accounts/{Account}",
            new { handover_button = "Talk to a person", handover_after_answers = 2 }))
        {
            put.StatusCode.ShouldBe(HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        }

        // The button: the welcome goes as a menu holding it; pressing it sends its words with its id, and people take over.
        await ActAsync(hub, "wmCustomerGus", "enter", new { scene = "website" });
        await HubSandbox.WaitUntilAsync(() => Received(hub, "wmCustomerGus").Any(m => m.OnEvent && m.Text.Contains("Talk to a person", StringComparison.Ordinal)),
            "the welcome with its button", seconds: 60);
        var menu = View(hub, "wmCustomerGus").GetProperty("received").EnumerateArray().Single();
        menu.GetProperty("msgtype").GetString().ShouldBe("msgmenu");
        var click = menu.GetProperty("content").GetProperty("list")[0].GetProperty("click");
        await ActAsync(hub, "wmCustomerGus", "say", new { text = click.GetProperty("content").GetString(), menu_id = click.GetProperty("id").GetString() });
        await HubSandbox.WaitUntilAsync(() => View(hub, "wmCustomerGus").GetProperty("service_state").GetInt32() == 2, "Gus's session in the queue", seconds: 60);

        // The answer limit (2): two answers, then the third message goes to people unanswered.
        await ActAsync(hub, "wmCustomerHana", "say", new { text = "First question" });
        await HubSandbox.WaitUntilAsync(() => Answers(hub, "wmCustomerHana", "First question") == 1, "the first answer", seconds: 60);
        await ActAsync(hub, "wmCustomerHana", "say", new { text = "Second question" });
        await HubSandbox.WaitUntilAsync(() => Answers(hub, "wmCustomerHana", "Second question") == 1, "the second answer", seconds: 60);
        await ActAsync(hub, "wmCustomerHana", "say", new { text = "Third question" });
        await HubSandbox.WaitUntilAsync(() => View(hub, "wmCustomerHana").GetProperty("service_state").GetInt32() == 2, "Hana's session in the queue", seconds: 60);
        await HubSandbox.WaitUntilAsync(() => StoredAsync(hub, Account).GetAwaiter().GetResult()
            .Single(m => m.ExternalUserId == "wmCustomerHana" && m.Origin == KfOrigins.Customer && KfRowText(hub, m) == "Third question").Route == KfRoutes.Handover,
            "Hana's third message recorded as handed over", seconds: 30);

        // The backend's signal (this Hub's is #PEOPLE#; the Emulator's backend repeats the question): the answer goes without
        // the signal, then people take over.
        await ActAsync(hub, "wmCustomerIvo", "say", new { text = "I want my money back #PEOPLE#" });
        await HubSandbox.WaitUntilAsync(() => View(hub, "wmCustomerIvo").GetProperty("service_state").GetInt32() == 2, "Ivo's session in the queue", seconds: 60);
        await HubSandbox.WaitUntilAsync(() => Received(hub, "wmCustomerIvo").Any(m => m.Text.Contains("A colleague will answer you", StringComparison.Ordinal)),
            "the hand-over message", seconds: 60);
        var ivo = Received(hub, "wmCustomerIvo");
        ivo.ShouldContain(m => m.Text.Contains("You asked: I want my money back", StringComparison.Ordinal));
        ivo.ShouldNotContain(m => m.Text.Contains("#PEOPLE#", StringComparison.Ordinal), "the signal is the backend's word to the Hub, not to the customer");

        // Three turns answered (Hana's two, Ivo's); each hand-over reported once with what triggered it.
        (await driver.EndedTurnsAsync(3, 60)).Count.ShouldBe(3);
        var moves = (await ForwardedAsync(hub)).Where(f => f.Body.Contains("\"reason\":\"handover\"", StringComparison.Ordinal)).ToList();
        moves.Count(f => f.Body.Contains("wmCustomerGus") && f.Body.Contains("\"trigger\":\"menu\"")).ShouldBe(1);
        moves.Count(f => f.Body.Contains("wmCustomerHana") && f.Body.Contains("\"trigger\":\"answer_limit\"")).ShouldBe(1);
        moves.Count(f => f.Body.Contains("wmCustomerIvo") && f.Body.Contains("\"trigger\":\"backend_signal\"")).ShouldBe(1);
        moves.Count.ShouldBe(3);
    }

    [Fact]
    public async Task An_answer_longer_than_the_five_messages_WeCom_allows_is_cut_to_them_and_says_so()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["Larkway:Sandbox:Assistant"] = "true" });
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.SetAiAsync(new { tokens_per_second = 100_000, answer_words = 4000 });
        await WaitForFirstPullAsync(hub, Account);

        await ActAsync(hub, "wmCustomerEli", "say", new { text = "Tell me everything" });
        (await driver.EndedTurnsAsync(1, 60)).Single().Status.ShouldBe(AssistantTurnStatus.Answered);
        await HubSandbox.WaitUntilAsync(() => Received(hub, "wmCustomerEli").Count == 5, "five messages on Eli's page", seconds: 60);

        // Exactly what WeCom allows after one message, the last saying the rest was not sent; nothing WeCom refused.
        var received = Received(hub, "wmCustomerEli");
        received.Count.ShouldBe(5);
        received[^1].Text.ShouldContain("could not be sent: WeCom lets us send 5 messages");
        (await ViewAsync(hub, "wmCustomerEli")).GetProperty("sends_left").GetInt32().ShouldBe(0);
        (await SessionAsync(hub, "wmCustomerEli")).SendsLeft.ShouldBe(0);

        // Every one delivered: the alert on undelivered messages stays quiet. Then WeCom reports one undelivered
        // (msg_send_fail): marked on the transcript, and the alert names the account.
        var evaluator = hub.Host.App.Services.GetRequiredService<Larkway.Hub.Alerts.AlertEvaluator>();
        var quiet = (await evaluator.EvaluateAsync(default))["wecom_kf_send_failures"]!;
        quiet.Breached.ShouldBeFalse(quiet.Detail);
        var failedId = View(hub, "wmCustomerEli").GetProperty("received")[2].GetProperty("msgid").GetString();
        await ActAsync(hub, "wmCustomerEli", "fail", new { msgid = failedId, fail_type = 10 });
        await HubSandbox.WaitUntilAsync(() => StoredAsync(hub, Account).GetAwaiter().GetResult().Any(m => m.MsgId == failedId && m.FailType == 10),
            "the undelivered message marked", seconds: 60);
        var raised = (await evaluator.EvaluateAsync(default))["wecom_kf_send_failures"]!;
        raised.Breached.ShouldBeTrue(raised.Detail);
        raised.Detail.ShouldContain($"{Account} on wecom-sandbox: 1");

        // Writing again opens a new budget: the next answer is sent.
        await driver.SetAiAsync(new { tokens_per_second = 100_000, answer_words = 8 });
        await ActAsync(hub, "wmCustomerEli", "say", new { text = "Short one" });
        await HubSandbox.WaitUntilAsync(() => Answers(hub, "wmCustomerEli", "Short one") == 1, "the next answer", seconds: 60);
    }

    [Fact]
    public async Task Ten_thousand_emoji_and_fifty_messages_in_a_second_are_stored_forwarded_and_answered_once_within_WeComs_limits()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["Larkway:Sandbox:Assistant"] = "true" });
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.SetAiAsync(new { tokens_per_second = 100_000, answer_words = 4 });
        await WaitForFirstPullAsync(hub, Account);
        using var admin = Admin(hub);
        using (var subscribed = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/crm", event_types = new[] { "wecom.kf.message" } }))
        {
            subscribed.StatusCode.ShouldBe(HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());
        }

        // 10,000 emoji (40,000 bytes): stored and forwarded whole; the answer (which repeats them) is cut at WeCom's five
        // texts of 2,048 bytes, no emoji split in half.
        var emoji = string.Concat(Enumerable.Repeat("😀", 10_000));
        await ActAsync(hub, "wmCustomerJo", "say", new { text = emoji });
        await HubSandbox.WaitUntilAsync(() => Received(hub, "wmCustomerJo").Count == 5, "five messages on Jo's page", seconds: 60);
        var parts = View(hub, "wmCustomerJo").GetProperty("received").EnumerateArray().Select(m => m.GetProperty("content").GetProperty("content").GetString()!).ToList();
        parts.ShouldAllBe(p => System.Text.Encoding.UTF8.GetByteCount(p) <= 2048 && !p.Contains('\uFFFD'));
        parts.ShouldAllBe(p => !char.IsHighSurrogate(p[p.Length - 1]) && !char.IsLowSurrogate(p[0]));
        parts[^1].ShouldContain("could not be sent");
        var stored = (await StoredAsync(hub, Account)).Single(m => m.ExternalUserId == "wmCustomerJo" && m.Origin == KfOrigins.Customer);
        KfRowText(hub, stored).ShouldBe(emoji);
        await HubSandbox.WaitUntilAsync(() => ForwardedAsync(hub).GetAwaiter().GetResult()
            .Any(f => JsonDocument.Parse(f.Body).RootElement.GetProperty("event").TryGetProperty("text", out var t) && t.GetString() == emoji), "the emoji forwarded whole", seconds: 30);

        // Fifty messages from one customer within a second. WeCom allows 5 messages after the customer's last, so an
        // answer each is impossible; messages that come before the answer to an earlier one go to the assistant together.
        // Each is stored and forwarded once and given to the assistant once; every answer reaches the customer; nothing
        // is sent past WeCom's budget.
        var questions = Enumerable.Range(0, 50).Select(i => $"Rapid question {i:00}").ToList();
        await Task.WhenAll(questions.Select(q => ActAsync(hub, "wmCustomerKai", "say", new { text = q })));
        await HubSandbox.WaitUntilAsync(() => questions.All(q => Received(hub, "wmCustomerKai").Any(m => m.Text.Contains(q, StringComparison.Ordinal))),
            "every one of Kai's fifty messages answered", seconds: 120);
        await HubSandbox.WaitUntilAsync(() => driver.TurnsAsync().GetAwaiter().GetResult().Where(t => t.Question.Contains("Rapid question", StringComparison.Ordinal))
            .All(t => t.Status != AssistantTurnStatus.Queued && t.Status != AssistantTurnStatus.Answering), "Kai's turns ended", seconds: 60);
        List<AssistantTurnRow> kaiTurns = [.. (await driver.TurnsAsync()).Where(t => t.Question.Contains("Rapid question", StringComparison.Ordinal))];
        kaiTurns.ShouldAllBe(t => t.Status == AssistantTurnStatus.Answered);
        kaiTurns.Count.ShouldBeLessThan(50, "messages that came while an answer was on its way went together");
        questions.ShouldAllBe(q => kaiTurns.Count(t => t.Question.Contains(q, StringComparison.Ordinal)) == 1);
        var kaiReceived = Received(hub, "wmCustomerKai");
        questions.ShouldAllBe(q => kaiReceived.Count(m => m.Text.Contains(q, StringComparison.Ordinal)) == 1);
        kaiReceived.Count.ShouldBe(kaiTurns.Count, "one message per answer");
        View(hub, "wmCustomerKai").GetProperty("sends_left").GetInt32().ShouldBeGreaterThanOrEqualTo(0);
        var kai = (await StoredAsync(hub, Account)).Where(m => m.ExternalUserId == "wmCustomerKai" && m.Origin == KfOrigins.Customer).ToList();
        kai.Count.ShouldBe(50);
        kai.ShouldAllBe(m => m.Route == KfRoutes.Assistant);
        await HubSandbox.WaitUntilAsync(() => ForwardedAsync(hub).GetAwaiter().GetResult().Count(f => f.Body.Contains("Rapid question", StringComparison.Ordinal)
            && f.Body.Contains("\"origin\":\"customer\"", StringComparison.Ordinal)) == 50, "Kai's fifty messages forwarded once each", seconds: 30);

        // Six more messages while the answer to a first is still being written (a slow backend): answered one by one they
        // would need seven messages after the last, two more than WeCom allows. They wait, then go as one question.
        await driver.SetAiAsync(new { tokens_per_second = 5, answer_words = 30 });
        await ActAsync(hub, "wmCustomerLiv", "say", new { text = "Slow question 0" });
        await HubSandbox.WaitUntilAsync(() => driver.TurnsAsync().GetAwaiter().GetResult()
            .Any(t => t.Question.Contains("Slow question 0", StringComparison.Ordinal) && t.Status == AssistantTurnStatus.Answering), "the first answer being written", seconds: 60);
        var more = Enumerable.Range(1, 6).Select(i => $"Slow question {i}").ToList();
        foreach (var q in more)
        {
            await ActAsync(hub, "wmCustomerLiv", "say", new { text = q });
        }

        more.Insert(0, "Slow question 0");
        await HubSandbox.WaitUntilAsync(() => more.All(q => Received(hub, "wmCustomerLiv").Any(m => m.Text.Contains(q, StringComparison.Ordinal))),
            "every one of Liv's seven messages answered", seconds: 120);
        var livTurns = (await driver.TurnsAsync()).Where(t => t.Question.Contains("Slow question", StringComparison.Ordinal)).ToList();
        livTurns.Count.ShouldBe(2, "the first, then the six that came while it was answered");
        Received(hub, "wmCustomerLiv").Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_picture_a_kind_WeCom_adds_later_a_recall_and_callbacks_replayed_or_forged_are_each_kept_once_and_never_crash_the_pull()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["Larkway:Sandbox:Assistant"] = "true" });
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.SetAiAsync(new { tokens_per_second = 500, answer_words = 8 });
        await WaitForFirstPullAsync(hub, Account);

        // A picture and a message kind this Hub has never heard of: each stored with its kind, told once in words that the
        // assistant reads text, never given to the backend; the pull goes on to the next message.
        var picture = await SendAsync(hub, "wmCustomerGus", new { msgtype = "image" });
        await SendAsync(hub, "wmCustomerGus", new { msgtype = "channels_shop_order_v9", content = new { order_id = "o-1" } });
        await HubSandbox.WaitUntilAsync(() => Received(hub, "wmCustomerGus").Count(m => m.Text.Contains("reads text only", StringComparison.Ordinal)) == 2,
            "a words-only notice for each", seconds: 60);

        // He recalls the picture: the stored item is marked, as the console shows it.
        await ActAsync(hub, "wmCustomerGus", "recall", new { msgid = picture });
        await HubSandbox.WaitUntilAsync(() => StoredAsync(hub, Account).GetAwaiter().GetResult().Single(m => m.MsgId == picture).Recalled, "the picture marked recalled", seconds: 60);

        await ActAsync(hub, "wmCustomerGus", "say", new { text = "Where is my parcel?" });
        await HubSandbox.WaitUntilAsync(() => Answers(hub, "wmCustomerGus", "Where is my parcel?") == 1, "the answer to his words", seconds: 60);
        var stored = (await StoredAsync(hub, Account)).Where(m => m.ExternalUserId == "wmCustomerGus" && m.Origin == KfOrigins.Customer).ToList();
        stored.Select(m => m.Type).ShouldBe(["image", "channels_shop_order_v9", "text"]);
        stored.ShouldAllBe(m => m.Route == KfRoutes.Assistant);
        (await driver.TurnsAsync()).ShouldHaveSingleItem().Question.ShouldContain("Where is my parcel?");

        // The same callback twice (WeCom retries one it thinks unanswered), and one forged with a wrong signature: the
        // forged one is refused naming the problem; the repeats pull nothing new.
        var callback = $"<xml><ToUserName><![CDATA[{EmulatorOptions.DefaultWeComCorpId}]]></ToUserName><CreateTime>{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}</CreateTime>"
            + $"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event><Token><![CDATA[ENCreplayed]]></Token><OpenKfId><![CDATA[{Account}]]></OpenKfId></xml>";
        var (path, body) = EncryptedCallback(callback);
        using (var forged = await hub.Api.PostAsync(path.Replace("msg_signature=", "msg_signature=0", StringComparison.Ordinal), new StringContent(body, System.Text.Encoding.UTF8, "text/xml")))
        {
            forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await forged.Content.ReadAsStringAsync()).ShouldContain("signature", Case.Insensitive);
        }

        for (var i = 0; i < 2; i++)
        {
            using var replayed = await hub.Api.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "text/xml"));
            replayed.StatusCode.ShouldBe(HttpStatusCode.OK, await replayed.Content.ReadAsStringAsync());
        }

        await WaitForPullAsync(hub, Account);
        (await StoredAsync(hub, Account)).GroupBy(m => m.MsgId).ShouldAllBe(g => g.Count() == 1);
        (await driver.TurnsAsync()).Count.ShouldBe(1);
        Answers(hub, "wmCustomerGus", "Where is my parcel?").ShouldBe(1);
        Received(hub, "wmCustomerGus").Count(m => m.Text.Contains("reads text only", StringComparison.Ordinal)).ShouldBe(2);

        // A callback naming an account the Hub does not serve is answered (WeCom would retry otherwise) and logged with
        // what to do; nothing is pulled for it.
        var (strangerPath, strangerBody) = EncryptedCallback(callback.Replace(Account, "wkNotServedHere00000001", StringComparison.Ordinal));
        using (var stranger = await hub.Api.PostAsync(strangerPath, new StringContent(strangerBody, System.Text.Encoding.UTF8, "text/xml")))
        {
            stranger.StatusCode.ShouldBe(HttpStatusCode.OK, await stranger.Content.ReadAsStringAsync());
        }

        await HubSandbox.WaitUntilAsync(() => hub.Log.Problems.Any(l => l.Contains("wkNotServedHere00000001", StringComparison.Ordinal) && l.Contains("PUT", StringComparison.Ordinal)),
            "a warning naming the account and how to serve it", seconds: 60);
        (await StoredAsync(hub, "wkNotServedHere00000001")).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_backend_that_fails_hands_the_customer_to_people_instead_of_asking_them_to_try_again()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["Larkway:Sandbox:Assistant"] = "true" });
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await WaitForFirstPullAsync(hub, Account);
        await driver.ArmFaultAsync(new { kind = "server_error", backend = "dify", count = 10, status = 503 });
        await driver.ArmFaultAsync(new { kind = "server_error", backend = "openai", count = 10, status = 503 });

        await ActAsync(hub, "wmCustomerDora", "say", new { text = "Where is my refund?" });
        (await driver.EndedTurnsAsync(1, 60)).Single().Status.ShouldBe(AssistantTurnStatus.Failed);
        await HubSandbox.WaitUntilAsync(() => View(hub, "wmCustomerDora").GetProperty("service_state").GetInt32() == 2, "Dora's session in the queue", seconds: 60);
        await HubSandbox.WaitUntilAsync(() => Received(hub, "wmCustomerDora").Any(m => m.Text.Contains("A colleague will answer you", StringComparison.Ordinal)),
            "the hand-over message", seconds: 60);
        Received(hub, "wmCustomerDora").ShouldNotContain(m => m.Text.Contains("try again", StringComparison.OrdinalIgnoreCase), "a customer handed over is not told to ask again");
        (await SessionAsync(hub, "wmCustomerDora")).Handovers.ShouldBe(1);
    }

    [Fact]
    public async Task An_accounts_backlog_from_before_it_was_added_is_history_and_a_cursor_WeCom_no_longer_takes_adds_nothing_twice()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["Larkway:Sandbox:Assistant"] = "true" });
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.SetAiAsync(new { tokens_per_second = 500, answer_words = 8 });
        await WaitForFirstPullAsync(hub, Account);
        using var admin = Admin(hub);
        (await admin.DeleteAsync($"/api/v1/wecom/apps/wecom-sandbox/customer-service/accounts/{Account}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        // Written while the Hub did not serve the account: its callback asks for nothing.
        await ActAsync(hub, "wmCustomerCleo", "say", new { text = "Old question from yesterday" });

        // WeCom's send times are whole seconds, and a message of the second the account was added counts as new: add it in a later second.
        var saidIn = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await HubSandbox.WaitUntilAsync(() => DateTimeOffset.UtcNow.ToUnixTimeSeconds() > saidIn, "the next second", seconds: 5);

        // Added: the first pull takes it in as history, unanswered.
        using (var put = await admin.PutAsJsonAsync($"/api/v1/wecom/apps/wecom-sandbox/customer-service/accounts/{Account}", new { handover_words = new[] { "human" } }))
        {
            put.StatusCode.ShouldBe(HttpStatusCode.Created, await put.Content.ReadAsStringAsync());
        }

        await WaitForFirstPullAsync(hub, Account);
        (await StoredAsync(hub, Account)).Single(m => m.ExternalUserId == "wmCustomerCleo" && m.Origin == KfOrigins.Customer).Route.ShouldBe(KfRoutes.History);

        // A new message is answered; the old one never.
        await ActAsync(hub, "wmCustomerCleo", "say", new { text = "New question today" });
        var turn = (await driver.EndedTurnsAsync(1, 60)).Single();
        turn.Question.ShouldContain("New question today");

        // WeCom no longer takes the stored cursor: the Hub starts over from the oldest it keeps, storing nothing twice.
        await using (var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync())
        {
            await db.Set<KfAccountRow>().Where(a => a.OpenKfId == Account).ExecuteUpdateAsync(s => s.SetProperty(a => a.Cursor, "not-a-cursor-wecom-gave"));
        }

        var before = (await StoredAsync(hub, Account)).Count;
        await ActAsync(hub, "wmCustomerCleo", "say", new { text = "Third question" });
        var turns = await driver.EndedTurnsAsync(2, 60);
        turns.Count.ShouldBe(2, "only the third question is new");
        var after = await StoredAsync(hub, Account);
        after.Count.ShouldBe(before + 2, "the third question and its answer; nothing stored twice");
        after.GroupBy(m => m.MsgId).ShouldAllBe(g => g.Count() == 1);
        Answers(hub, "wmCustomerCleo", "Old question from yesterday").ShouldBe(0);
    }

    [Fact]
    public async Task Without_an_assistant_on_the_app_a_customer_is_left_untreated_for_people_and_nothing_is_sent_but_the_welcome()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["Larkway:Sandbox:Assistant"] = "false" });
        await WaitForFirstPullAsync(hub, Account);

        await ActAsync(hub, "wmCustomerFay", "say", new { text = "Anyone there?" });
        await HubSandbox.WaitUntilAsync(() => StoredAsync(hub, Account).GetAwaiter().GetResult().Any(m => m.ExternalUserId == "wmCustomerFay" && m.Route == KfRoutes.Unanswered),
            "Fay's message stored, unanswered", seconds: 60);
        (await ViewAsync(hub, "wmCustomerFay")).GetProperty("service_state").GetInt32().ShouldBe(0, "the Hub did not take a session nobody answers");
        Received(hub, "wmCustomerFay").ShouldBeEmpty();
    }

    [Fact]
    public async Task The_accounts_API_refuses_bad_settings_with_the_field_to_fix_and_an_app_that_is_not_WeCom()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = Admin(hub);
        using var tooLong = await admin.PutAsJsonAsync("/api/v1/wecom/apps/wecom-sandbox/customer-service/accounts/wkSecondAccount", new { welcome_message = new string('欢', 700), handover_words = new[] { "" } });
        tooLong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problems = (await tooLong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        problems.ShouldBe(["welcome_message", "handover_words"], ignoreOrder: true);

        using var badRules = await admin.PutAsJsonAsync("/api/v1/wecom/apps/wecom-sandbox/customer-service/accounts/wkSecondAccount",
            new { handover_button = new string('人', 50), handover_after_answers = 101 });
        badRules.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await badRules.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString())
            .ShouldBe(["handover_button", "handover_after_answers"], ignoreOrder: true);

        // A welcome of 1,500 bytes is fine alone; with a button it must go as a menu, which holds 1,024.
        using (var created = await admin.PutAsJsonAsync("/api/v1/wecom/apps/wecom-sandbox/customer-service/accounts/wkSecondAccount", new { welcome_message = new string('w', 1500) }))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        using var withButton = await admin.PutAsJsonAsync("/api/v1/wecom/apps/wecom-sandbox/customer-service/accounts/wkSecondAccount", new { handover_button = "转人工" });
        withButton.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var menuProblem = await withButton.Content.ReadAsStringAsync();
        menuProblem.ShouldContain("welcome_message");
        menuProblem.ShouldContain("1024 bytes");
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/wecom/apps/wecom-sandbox/customer-service/accounts/wkSecondAccount"))
            .TryGetProperty("handover_button", out _).ShouldBeFalse("a refused change keeps nothing");

        using var notWeCom = await admin.PutAsJsonAsync("/api/v1/wecom/apps/no-such-app/customer-service/accounts/wkSecondAccount", new { });
        notWeCom.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await notWeCom.Content.ReadAsStringAsync()).ShouldContain("is not a stored WeCom app");

        using var broken = await admin.PutAsync("/api/v1/wecom/apps/wecom-sandbox/customer-service/accounts/wkSecondAccount", new StringContent("{not json", null, "application/json"));
        broken.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        using var missing = await admin.GetAsync("/api/v1/wecom/apps/wecom-sandbox/customer-service/accounts/wkNobody");
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private static HttpClient Admin(HubSandbox hub)
    {
        var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        return admin;
    }

    private static async Task ActAsync(HubSandbox hub, string customer, string action, object? body)
    {
        using var response = body is null
            ? await hub.Control.PostAsync($"/_emulator/wecom/kf/{Account}/customers/{customer}/{action}", null)
            : await hub.Control.PostAsJsonAsync($"/_emulator/wecom/kf/{Account}/customers/{customer}/{action}", body);
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue(text);
    }

    /// <summary>The customer sends a message other than text; its msgid.</summary>
    private static async Task<string> SendAsync(HubSandbox hub, string customer, object body)
    {
        using var response = await hub.Control.PostAsJsonAsync($"/_emulator/wecom/kf/{Account}/customers/{customer}/send", body);
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue(text);
        return JsonDocument.Parse(text).RootElement.GetProperty("msgid").GetString()!;
    }

    /// <summary>A callback to the sandbox's WeCom app, encrypted and signed as WeCom does: its path with the query, and its body.</summary>
    private static (string Path, string Body) EncryptedCallback(string plaintext)
    {
        var crypto = new Larkway.WeCom.Callbacks.WeComCallbackCrypto(EmulatorOptions.DefaultWeComCallbackToken, EmulatorOptions.DefaultWeComEncodingAesKey, EmulatorOptions.DefaultWeComCorpId);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var encrypted = crypto.Encrypt(plaintext, timestamp, "n" + Guid.NewGuid().ToString("N")[..10]);
        var body = $"<xml><ToUserName><![CDATA[{EmulatorOptions.DefaultWeComCorpId}]]></ToUserName><Encrypt><![CDATA[{encrypted.Encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>";
        return ($"/wecom/apps/wecom-sandbox/callback?msg_signature={encrypted.MsgSignature}&timestamp={encrypted.TimeStamp}&nonce={encrypted.Nonce}", body);
    }

    private static async Task<JsonElement> ViewAsync(HubSandbox hub, string customer) =>
        await hub.Control.GetFromJsonAsync<JsonElement>($"/_emulator/wecom/kf/{Account}/customers/{customer}");

    private static JsonElement View(HubSandbox hub, string customer) => ViewAsync(hub, customer).GetAwaiter().GetResult();

    /// <summary>What reached the customer from the app: each message's text and whether it went with an event's code.</summary>
    private static List<(string Text, bool OnEvent)> Received(HubSandbox hub, string customer) =>
        [.. View(hub, customer).GetProperty("received").EnumerateArray().Select(m => (m.GetProperty("content").GetRawText(), m.TryGetProperty("on_event", out var e) && e.ValueKind == JsonValueKind.True))];

    /// <summary>How many answers to <paramref name="question"/> reached the customer (the Emulator's AI backend echoes the question).</summary>
    private static int Answers(HubSandbox hub, string customer, string question) =>
        Received(hub, customer).Count(m => m.Text.Contains("You asked: " + question, StringComparison.Ordinal));

    /// <summary>The stored text of a customer's message.</summary>
    private static string? KfRowText(HubSandbox hub, KfMessageRow row) =>
        row.Content is { } c ? KfItems.Read(hub.Host.Services.GetRequiredService<Larkway.Hub.Platform.DataProtection.HubSecretProtector>().Unprotect(c)).Text : null;

    private static async Task<List<KfMessageRow>> StoredAsync(HubSandbox hub, string account)
    {
        await using var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        return await db.Set<KfMessageRow>().AsNoTracking().Where(m => m.OpenKfId == account).OrderBy(m => m.Id).ToListAsync();
    }

    private static async Task<List<(string Id, string Type, string Body)>> ForwardedAsync(HubSandbox hub)
    {
        await using var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        var rows = await db.WebhookDeliveries.AsNoTracking().Where(d => d.EventType.StartsWith("wecom.kf.")).ToListAsync();
        return [.. rows.Select(d => (d.EventId ?? "", d.EventType, System.Text.Encoding.UTF8.GetString(d.Payload)))];
    }

    private static async Task<KfSessionRow> SessionAsync(HubSandbox hub, string customer)
    {
        await using var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        return await db.Set<KfSessionRow>().AsNoTracking().SingleAsync(s => s.ExternalUserId == customer);
    }

    /// <summary>The account's first pull (which moves its cursor past what WeCom kept from before) has ended.</summary>
    private static async Task WaitForFirstPullAsync(HubSandbox hub, string account) =>
        await HubSandbox.WaitUntilAsync(() => AccountRow(hub, account) is { LastPulledAt: not null, State: Larkway.Hub.Platform.Queue.WorkState.Done }, "the account's first pull", seconds: 60);

    /// <summary>No pull of the account is due or running.</summary>
    private static async Task WaitForPullAsync(HubSandbox hub, string account) =>
        await HubSandbox.WaitUntilAsync(() => AccountRow(hub, account) is { State: Larkway.Hub.Platform.Queue.WorkState.Done }, "the account's pull", seconds: 60);

    private static KfAccountRow? AccountRow(HubSandbox hub, string account)
    {
        using var db = hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContext();
        return db.Set<KfAccountRow>().AsNoTracking().SingleOrDefault(a => a.OpenKfId == account);
    }
}
