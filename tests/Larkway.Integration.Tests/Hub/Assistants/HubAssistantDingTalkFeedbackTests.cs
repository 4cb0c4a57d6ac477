using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Hub.Assistants.Storage;
using Shouldly;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// Feedback on the assistant's answers on DingTalk, in the sandbox (whose DingTalk app has a card template): a finished
/// answer is followed by a feedback card whose Helpful / Not helpful are stored as the answer's feedback, one vote per
/// person with the last winning, and whose Regenerate asks the question again — each press through the Emulator's card,
/// over the app's Stream connection. A failed answer is followed by a card with Regenerate alone, as its notice says. On
/// an app without a card template the same buttons come as a robot's action card whose links, made for the asker, act
/// once DingTalk signs that very person in on the Hub.
/// </summary>
public sealed class HubAssistantDingTalkFeedbackTests
{
    [Fact]
    public async Task Helpful_under_a_DingTalk_answer_is_stored_once_a_changed_vote_replaces_it_and_Regenerate_answers_again()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["Larkway:Sandbox:Assistant"] = "true" });
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        using var admin = HubDingTalkTests.Admin(hub);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.StreamConnected(hub), "the Hub's DingTalk Stream connection", 60);

        // Bob asks on DingTalk: the answer, then its feedback card in his chat with the robot.
        await SandboxPlatforms.DingTalkSayAsync(hub, "bob", "cid-bob-feedback", "Which VPN client do we use?");
        var turn = (await driver.EndedTurnsAsync(1)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        turn.Platform.ShouldBe("dingtalk");
        await HubSandbox.WaitUntilAsync(() => FeedbackCards(hub).Count == 1, "the answer's feedback card", seconds: 60);
        var card = FeedbackCards(hub).Single();
        var outTrackId = card.GetProperty("outTrackId").GetString()!;
        outTrackId.ShouldStartWith("lwbot_");
        HubDingTalkBotCardTests.Buttons(card).Select(b => b.GetProperty("actionId").GetString()).ShouldBe(["helpful", "not_helpful", "regenerate"]);
        HubDingTalkBotCardTests.Buttons(card).Select(b => b.GetProperty("params").GetProperty("answer_id").GetString()).ShouldAllBe(id => id == $"turn-{turn.Id}");

        // 👍: stored against the answer, as Bob's vote; the card says thanks and keeps its buttons.
        (await HubDingTalkBotCardTests.ClickAsync(hub, outTrackId, "bob", "helpful")).GetProperty("ok").GetBoolean().ShouldBeTrue();
        await HubSandbox.WaitUntilAsync(() => driver.FeedbackAsync().GetAwaiter().GetResult().Count == 1, "the vote stored", seconds: 60);
        var helpful = (await driver.FeedbackAsync()).ShouldHaveSingleItem();
        helpful.TurnId.ShouldBe(turn.Id);
        helpful.Value.ShouldBe(AssistantFeedbackRow.Helpful);
        helpful.User.ShouldBe(turn.PersonId ?? "dingtalk:bob");
        await HubSandbox.WaitUntilAsync(() => HubDingTalkBotCardTests.Param(HubDingTalkBotCardTests.CardAsync(hub, outTrackId).GetAwaiter().GetResult(), "decision") is { Length: > 0 }, "the thanks on the card", seconds: 60);
        HubDingTalkBotCardTests.Buttons(await HubDingTalkBotCardTests.CardAsync(hub, outTrackId)).Count.ShouldBe(3);

        // The same vote again: nothing changes.
        (await HubDingTalkBotCardTests.ClickAsync(hub, outTrackId, "bob", "helpful")).GetProperty("ok").GetBoolean().ShouldBeTrue();
        await HubSandbox.WaitUntilAsync(() => CallbacksDone(admin) >= 2, "the second press handled", seconds: 60);
        var again = (await driver.FeedbackAsync()).ShouldHaveSingleItem();
        again.Value.ShouldBe(AssistantFeedbackRow.Helpful);
        again.At.ShouldBe(helpful.At, "the vote as first stored");

        // 👎 instead: the last vote wins, still one row.
        (await HubDingTalkBotCardTests.ClickAsync(hub, outTrackId, "bob", "not_helpful")).GetProperty("ok").GetBoolean().ShouldBeTrue();
        await HubSandbox.WaitUntilAsync(() => driver.FeedbackAsync().GetAwaiter().GetResult() is [{ Value: AssistantFeedbackRow.NotHelpful }], "the vote replaced", seconds: 60);

        // 🔄: the same question asked again, answered as a new turn with its own feedback card.
        (await HubDingTalkBotCardTests.ClickAsync(hub, outTrackId, "bob", "regenerate")).GetProperty("ok").GetBoolean().ShouldBeTrue();
        var turns = await driver.EndedTurnsAsync(2, seconds: 60);
        var regenerated = turns.Single(t => t.Id != turn.Id);
        regenerated.Question.ShouldBe(turn.Question);
        regenerated.Status.ShouldBe(AssistantTurnStatus.Answered, regenerated.LastError);
        regenerated.Platform.ShouldBe("dingtalk");
        await HubSandbox.WaitUntilAsync(() => FeedbackCards(hub).Count == 2, "the new answer's feedback card", seconds: 60);
        (await driver.FeedbackAsync()).ShouldHaveSingleItem().TurnId.ShouldBe(turn.Id);
    }

    [Fact]
    public async Task A_failed_DingTalk_answer_is_followed_by_a_Regenerate_card_as_its_notice_says_and_pressing_it_answers_again()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["Larkway:Sandbox:Assistant"] = "true" });
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.StreamConnected(hub), "the Hub's DingTalk Stream connection", 60);

        // The AI service is down: the answer ends failed, its notice tells Bob to press Regenerate, and the card to press follows.
        await driver.ArmFaultAsync(new { kind = "server_error", count = 10, status = 503 });
        await SandboxPlatforms.DingTalkSayAsync(hub, "bob", "cid-bob-retry", "Where is the canteen menu?");
        var failed = (await driver.EndedTurnsAsync(1)).Single();
        failed.Status.ShouldBe(AssistantTurnStatus.Failed);
        SandboxPlatforms.DingTalkRepliesText(hub, "cid-bob-retry").ShouldContain("Press Regenerate to try again.");
        await HubSandbox.WaitUntilAsync(() => RetryCards(hub).Count == 1, "the failed answer's Regenerate card", seconds: 60);
        var card = RetryCards(hub).Single();
        HubDingTalkBotCardTests.Buttons(card).Select(b => b.GetProperty("actionId").GetString()).ShouldBe(["regenerate"], "nothing to vote on under a failure");
        HubDingTalkBotCardTests.Param(card, "markdown").ShouldBe("Ask the same question again?");
        FeedbackCards(hub).ShouldBeEmpty();

        // The service is back; Bob presses Regenerate: the same question, answered as a new turn with its feedback card.
        using (var cleared = await hub.Control.DeleteAsync("/_emulator/ai/faults"))
        {
            cleared.EnsureSuccessStatusCode();
        }

        (await HubDingTalkBotCardTests.ClickAsync(hub, card.GetProperty("outTrackId").GetString()!, "bob", "regenerate")).GetProperty("ok").GetBoolean().ShouldBeTrue();
        var turns = await driver.EndedTurnsAsync(2, seconds: 60);
        var again = turns.Single(t => t.Id != failed.Id);
        again.Question.ShouldBe(failed.Question);
        again.Status.ShouldBe(AssistantTurnStatus.Answered, again.LastError);
        await HubSandbox.WaitUntilAsync(() => FeedbackCards(hub).Count == 1, "the new answer's feedback card", seconds: 60);
    }

    [Fact]
    public async Task Without_a_card_template_a_DingTalk_answer_is_followed_by_an_action_card_whose_links_vote_once_change_the_vote_and_regenerate()
    {
        await using var plain = await PlainDingTalkApp.StartAsync();
        var hub = plain.Hub;
        using var driver = new AssistantDriver(hub, plain.Emulator.BaseUrl);
        await driver.CreateAsync("plain-helper", [HubDingTalkTests.AppName]);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });

        // Bob asks: the answer, then an action card under it whose three buttons are links to the Hub made for him.
        await SandboxPlatforms.DingTalkSayAsync(hub, "bob", "cid-bob-links", "Which VPN client do we use?");
        var turn = (await driver.EndedTurnsAsync(1)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        await HubSandbox.WaitUntilAsync(() => ActionCards(hub, "bob").Count == 1, "the answer's action card", seconds: 60);
        var card = ActionCards(hub, "bob").Single();
        card.GetProperty("msgKey").GetString().ShouldBe("sampleActionCard3");
        var buttons = LinkButtons(card);
        buttons.Keys.ShouldBe(["👍 Helpful", "👎 Not helpful", "🔄 Regenerate"]);
        buttons.Values.ShouldAllBe(l => l.Contains("/dingtalk/actions/"));

        // Alice, signed in as herself, opens Bob's link: refused, with a page saying why, and nothing stored.
        using (var alice = new DingTalkBrowser("alice"))
        {
            using var refused = await alice.OpenAsync(buttons["👍 Helpful"]);
            var page = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
            refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden, page);
            page.ShouldContain("this button was sent to someone else");
            using var confirmed = await alice.ConfirmAsync(buttons["👍 Helpful"]);
            confirmed.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await driver.FeedbackAsync()).ShouldBeEmpty();
        }

        // Bob opens Helpful: DingTalk signs him in, the page asks; confirming stores his vote against the answer.
        using var bob = new DingTalkBrowser("bob");
        var ask = WebUtility.HtmlDecode(await bob.GetStringAsync(buttons["👍 Helpful"]));
        bob.SignedInOnTheWay.ShouldBeTrue();
        ask.ShouldContain("Press <strong>“👍 Helpful”</strong>?");
        (await driver.FeedbackAsync()).ShouldBeEmpty("opening the link is not a press");
        using (var confirmed = await bob.ConfirmAsync(buttons["👍 Helpful"]))
        {
            var answer = await confirmed.Content.ReadAsStringAsync();
            confirmed.StatusCode.ShouldBe(HttpStatusCode.OK, answer);
            WebUtility.HtmlDecode(answer).ShouldContain("Thanks: glad it helped.");
        }

        var helpful = (await driver.FeedbackAsync()).ShouldHaveSingleItem();
        helpful.TurnId.ShouldBe(turn.Id);
        helpful.Value.ShouldBe(AssistantFeedbackRow.Helpful);
        helpful.User.ShouldBe(turn.PersonId ?? "dingtalk:bob");

        // The same link confirmed again: still the one vote, as first stored.
        using (var again = await bob.ConfirmAsync(buttons["👍 Helpful"]))
        {
            again.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var still = (await driver.FeedbackAsync()).ShouldHaveSingleItem();
        still.Value.ShouldBe(AssistantFeedbackRow.Helpful);
        still.At.ShouldBe(helpful.At, "the vote as first stored");

        // Not helpful instead: the last vote wins, still one row.
        using (var changed = await bob.ConfirmAsync(buttons["👎 Not helpful"]))
        {
            changed.StatusCode.ShouldBe(HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());
        }

        (await driver.FeedbackAsync()).ShouldHaveSingleItem().Value.ShouldBe(AssistantFeedbackRow.NotHelpful);

        // Regenerate: the same question answered again as a new turn, followed by its own action card.
        using (var regenerate = await bob.OpenAndConfirmAsync(buttons["🔄 Regenerate"]))
        {
            var answer = await regenerate.Content.ReadAsStringAsync();
            regenerate.StatusCode.ShouldBe(HttpStatusCode.OK, answer);
            answer.ShouldContain("Answering again");
        }

        var turns = await driver.EndedTurnsAsync(2, seconds: 60);
        var regenerated = turns.Single(t => t.Id != turn.Id);
        regenerated.Question.ShouldBe(turn.Question);
        regenerated.Status.ShouldBe(AssistantTurnStatus.Answered, regenerated.LastError);
        await HubSandbox.WaitUntilAsync(() => ActionCards(hub, "bob").Count == 2, "the new answer's action card", seconds: 60);
        (await driver.FeedbackAsync()).ShouldHaveSingleItem().TurnId.ShouldBe(turn.Id);
    }

    [Fact]
    public async Task A_failed_answer_on_a_DingTalk_app_without_a_card_template_says_to_press_Regenerate_and_is_followed_by_its_link()
    {
        await using var plain = await PlainDingTalkApp.StartAsync();
        var hub = plain.Hub;
        using var driver = new AssistantDriver(hub, plain.Emulator.BaseUrl);
        await driver.CreateAsync("plain-helper", [HubDingTalkTests.AppName]);

        await driver.ArmFaultAsync(new { kind = "server_error", count = 10, status = 503 });
        await SandboxPlatforms.DingTalkSayAsync(hub, "bob", "cid-bob-plain", "Where is the canteen menu?");
        (await driver.EndedTurnsAsync(1)).Single().Status.ShouldBe(AssistantTurnStatus.Failed);
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.DingTalkRepliesText(hub, "cid-bob-plain").Contains("try again", StringComparison.Ordinal), "the failure's notice", seconds: 60);
        SandboxPlatforms.DingTalkRepliesText(hub, "cid-bob-plain").ShouldContain("Press Regenerate to try again.");
        await HubSandbox.WaitUntilAsync(() => ActionCards(hub, "bob").Count == 1, "the failed answer's Regenerate card", seconds: 60);
        var card = ActionCards(hub, "bob").Single();
        card.GetProperty("msgKey").GetString().ShouldBe("sampleActionCard", "Regenerate alone: nothing to vote on under a failure");
        LinkButtons(card).Keys.ShouldBe(["🔄 Regenerate"]);
    }

    /// <summary>The robot's action cards <paramref name="user"/> received one-to-one (the answer's own markdown left out).</summary>
    internal static List<JsonElement> ActionCards(HubSandbox hub, string user) =>
        [.. HubDingTalkTests.RobotMessagesAsync(hub, user).GetAwaiter().GetResult()
            .Where(m => m.GetProperty("msgKey").GetString()!.StartsWith("sampleActionCard", StringComparison.Ordinal))];

    /// <summary>An action card's buttons, title → link, in order (one button, two side by side, or stacked).</summary>
    internal static Dictionary<string, string> LinkButtons(JsonElement message)
    {
        var raw = message.GetProperty("msgParam");
        using var document = JsonDocument.Parse(raw.ValueKind == JsonValueKind.String ? raw.GetString()! : raw.GetRawText());
        var param = document.RootElement;
        var buttons = new Dictionary<string, string>(StringComparer.Ordinal);
        if (param.TryGetProperty("singleTitle", out var single))
        {
            buttons[single.GetString()!] = param.GetProperty("singleURL").GetString()!;
        }

        for (var n = 1; n <= 5; n++)
        {
            if (param.TryGetProperty($"actionTitle{n}", out var title))
            {
                buttons[title.GetString()!] = param.GetProperty($"actionURL{n}").GetString()!;
            }
            else if (param.TryGetProperty($"buttonTitle{n}", out var side))
            {
                buttons[side.GetString()!] = param.GetProperty($"buttonUrl{n}").GetString()!;
            }
        }

        return buttons;
    }

    /// <summary>The Regenerate cards of failed answers in Bob's chat with the robot (the bot's cards whose one button is Regenerate).</summary>
    private static List<JsonElement> RetryCards(HubSandbox hub) =>
        [.. HubDingTalkBotCardTests.CardsAsync(hub, "IM_ROBOT", "bob").GetAwaiter().GetResult()
            .Where(c => HubDingTalkBotCardTests.Buttons(c) is [var only] && only.GetProperty("actionId").GetString() == "regenerate")];

    /// <summary>The feedback cards in Bob's chat with the robot (the bot's cards that carry Helpful).</summary>
    private static List<JsonElement> FeedbackCards(HubSandbox hub) =>
        [.. HubDingTalkBotCardTests.CardsAsync(hub, "IM_ROBOT", "bob").GetAwaiter().GetResult()
            .Where(c => HubDingTalkBotCardTests.Buttons(c).Any(b => b.GetProperty("actionId").GetString() == "helpful"))];

    /// <summary>How many card callbacks the Hub has handled.</summary>
    private static int CallbacksDone(HttpClient admin) =>
        admin.GetFromJsonAsync<JsonElement>("/api/v1/events?type=dingtalk.card_callback").GetAwaiter().GetResult()
            .GetProperty("items").EnumerateArray().Count(e => e.GetProperty("status").GetString() == "done");
}
