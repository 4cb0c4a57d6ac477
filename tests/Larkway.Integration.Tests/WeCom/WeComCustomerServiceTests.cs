using System.Threading.Channels;
using Larkway.WeCom;
using Larkway.WeCom.Callbacks;
using Larkway.WeCom.CustomerService;

namespace Larkway.Integration.Tests.WeCom;

/// <summary>
/// The library's customer-service client against the emulator's 微信客服 over the wire: a customer entering through a
/// link and writing (each a <c>kf_msg_or_event</c> callback, decrypted and read by the library), pulls with the callback's
/// token and a cursor, the welcome answered once with its code, the 5-message budget, the session handed to the queue and
/// taken by a receptionist (the app may no longer send), ended, and opened again by the customer's next message.
/// </summary>
public sealed class WeComCustomerServiceTests(WeComEmulatorFixture fx) : IClassFixture<WeComEmulatorFixture>, IAsyncLifetime
{
    private const string Account = "wkLarkwaySandboxKf000001";
    private readonly Channel<WeComKfMessageOrEvent> _signals = Channel.CreateUnbounded<WeComKfMessageOrEvent>();
    private WeComCallbackReceiver _receiver = null!;

    public async Task InitializeAsync() =>
        _receiver = await WeComCallbackReceiver.StartAsync(fx, async (message, _, _) =>
        {
            if (message is WeComKfMessageOrEvent signal)
            {
                await _signals.Writer.WriteAsync(signal);
            }

            return "";
        });

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task A_customer_is_welcomed_answered_within_the_budget_handed_to_a_receptionist_and_back_after_the_end()
    {
        var cs = fx.Client.CustomerService;
        const string Customer = "wmIntegrationCustomer01";

        // The customer opens the link: the callback carries a token; the pull holds enter_session with its welcome code.
        await ActAsync("enter", new { nickname = "Lin", scene = "order", scene_param = "o=7" });
        var signal = await NextSignalAsync();
        signal.OpenKfId.ShouldBe(Account);
        var first = await cs.SyncAsync(Account, token: signal.Token);
        var enter = first.Messages.ShouldHaveSingleItem();
        (enter.Origin, enter.Event!.EventType, enter.CustomerId, enter.Event.Scene, enter.Event.SceneParam).ShouldBe((WeComKfOrigin.System, WeComKfEventTypes.EnterSession, Customer, "order", "o=7"));
        var welcome = enter.Event.WelcomeCode.ShouldNotBeNull();
        await cs.SendOnEventAsync(welcome, WeComKfContent.FromText("Hello Lin! How can we help?"));
        (await Should.ThrowAsync<WeComApiException>(() => cs.SendOnEventAsync(welcome, WeComKfContent.FromText("again")))).Code.ShouldBe(WeComErrorCodes.KfInvalidToken);

        // Nothing sent yet opens the budget: only the customer's message does.
        (await Should.ThrowAsync<WeComApiException>(() => cs.SendAsync(Account, Customer, WeComKfContent.FromText("too early")))).Code.ShouldBe(WeComErrorCodes.KfTimeLimit);

        // The customer writes: the next pull from the stored cursor holds only that; 5 answers are allowed, the 6th is not.
        await ActAsync("say", new { text = "Where is my order?" });
        var said = await cs.SyncAsync(Account, first.NextCursor, (await NextSignalAsync()).Token);
        said.Messages.ShouldHaveSingleItem().Text!.Content.ShouldBe("Where is my order?");
        for (var i = 1; i <= WeComCustomerServiceClient.MessagesPerCustomerMessage; i++)
        {
            await cs.SendAsync(Account, Customer, WeComKfContent.FromText($"Answer {i}"), msgId: $"answer-{i}");
        }

        (await Should.ThrowAsync<WeComApiException>(() => cs.SendAsync(Account, Customer, WeComKfContent.FromText("Answer 6")))).Code.ShouldBe(WeComErrorCodes.KfMessageLimit);
        var view = await fx.GetAsync($"kf/{Account}/customers/{Customer}");
        view.GetProperty("received").EnumerateArray().Select(m => m.GetProperty("content").GetProperty("content").GetString())
            .ShouldBe(["Hello Lin! How can we help?", "Answer 1", "Answer 2", "Answer 3", "Answer 4", "Answer 5"]);

        // Handed to the queue (a code for one notice), taken by Carol in the WeCom client: the app may not send any more.
        (await cs.TransferAsync(Account, Customer, WeComKfServiceState.Queued)).ShouldNotBeNull();
        await ActAsync("say", new { text = "A person, please" });
        await ActAsync("take", new { servicer = "carol" });
        await ActAsync("servicer-say", new { text = "Carol here." });
        (await cs.GetSessionAsync(Account, Customer)).ShouldBe(new WeComKfSession(WeComKfServiceState.Receptionist, "carol"));
        (await Should.ThrowAsync<WeComApiException>(() => cs.SendAsync(Account, Customer, WeComKfContent.FromText("bot again")))).Code.ShouldBe(WeComErrorCodes.KfStateForbidsSending);
        var (handed, cursor) = await DrainAsync(cs, said.NextCursor);
        handed.Select(m => (m.Origin, m.MsgType)).ShouldBe([(WeComKfOrigin.Customer, "text"), (WeComKfOrigin.System, "event"), (WeComKfOrigin.Receptionist, "text")]);
        (handed[1].Event!.ChangeType, handed[1].Event!.NewServicerUserId).ShouldBe((1, "carol"));
        handed[2].ServicerUserId.ShouldBe("carol");

        // Carol ends it (an end code); nothing moves an ended session; the customer's next message opens it again for the app.
        await ActAsync("end", null);
        var (ended, _) = await DrainAsync(cs, cursor);
        var end = ended.ShouldHaveSingleItem().Event!;
        (end.ChangeType, end.OldServicerUserId).ShouldBe((3, "carol"));
        await cs.SendOnEventAsync(end.MsgCode.ShouldNotBeNull(), WeComKfContent.FromText("Thanks for writing!"));
        (await Should.ThrowAsync<WeComApiException>(() => cs.TransferAsync(Account, Customer, WeComKfServiceState.Assistant))).Code.ShouldBe(WeComErrorCodes.KfSessionEnded);
        await ActAsync("say", new { text = "One more thing" });
        (await cs.GetSessionAsync(Account, Customer)).State.ShouldBe(WeComKfServiceState.Untreated);
        await cs.SendAsync(Account, Customer, WeComKfContent.FromText("Sure, go ahead."));

        // The customer is readable (they wrote within 48 hours); a stranger is listed as invalid, not an error.
        var customers = await cs.GetCustomersAsync([Customer, "wmNeverSeen"], withEnterContext: true);
        (customers.Customers.ShouldHaveSingleItem().Nickname, customers.Customers[0].EnterSessionContext!.Scene, customers.Invalid.ShouldHaveSingleItem()).ShouldBe(("Lin", "order", "wmNeverSeen"));
    }

    [Fact]
    public async Task Accounts_links_and_receptionists_are_managed_and_bad_cursors_and_accounts_are_refused()
    {
        var cs = fx.Client.CustomerService;
        var created = await cs.AddAccountAsync("After-sales", "avatar-media-1");
        var accounts = new List<WeComKfAccount>();
        await foreach (var account in cs.ListAccountsAsync())
        {
            accounts.Add(account);
        }

        accounts.Select(a => a.OpenKfId).ShouldContain(created);
        accounts.Single(a => a.OpenKfId == created).ManagePrivilege.ShouldBeTrue();
        var link = await cs.GetContactLinkAsync(created, "spring_sale");
        link.AbsolutePath.ShouldEndWith("/wecom-kf/" + created);
        link.Query.ShouldContain("enc_scene=");

        var added = await cs.AddServicersAsync(created, ["carol", "nobody-here"]);
        (added.Single(r => r.UserId == "carol").ErrCode, added.Single(r => r.UserId == "nobody-here").ErrCode).ShouldBe((0, 60111));
        (await cs.ListServicersAsync(created)).ShouldHaveSingleItem().Receiving.ShouldBeTrue();

        var foreign = await cs.SyncAsync(Account);
        (await Should.ThrowAsync<WeComApiException>(() => cs.SyncAsync(created, foreign.NextCursor))).Code.ShouldBe("40058");
        await cs.DeleteAccountAsync(created);
        (await Should.ThrowAsync<WeComApiException>(() => cs.SyncAsync(created))).Code.ShouldBe(WeComErrorCodes.KfInvalidAccount);
    }

    private async Task ActAsync(string action, object? body)
    {
        var answer = await fx.PostAsync($"kf/{Account}/customers/wmIntegrationCustomer01/{action}", body ?? new { });
        answer.GetProperty("delivered").GetBoolean().ShouldBeTrue(answer.ToString());
    }

    private async Task<WeComKfMessageOrEvent> NextSignalAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await _signals.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Every item after <paramref name="cursor"/>, two a page (so paging runs), and the cursor after them.</summary>
    private static async Task<(List<WeComKfMessage> Items, string? Cursor)> DrainAsync(WeComCustomerServiceClient cs, string? cursor)
    {
        var all = new List<WeComKfMessage>();
        WeComKfMessagePage page;
        do
        {
            page = await cs.SyncAsync(Account, cursor, limit: 2);
            all.AddRange(page.Messages);
            cursor = page.NextCursor;
        }
        while (page.HasMore);

        return (all, cursor);
    }
}
