using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Shouldly;
using static Larkway.Integration.Tests.Hub.HubDingTalkTests;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Only the person a DingTalk notification was sent to can decide with its buttons. The link names its recipient, but a
/// card can be forwarded and a URL copied: the Hub has DingTalk sign the person in (the Emulator's DingTalk login, over the
/// real wire) and shows or records anything only for the link's own recipient. Before, holding the link was enough to
/// decide as them.
/// </summary>
public sealed class HubDingTalkActionSignInTests
{
    private static readonly object Card = new
    {
        header = new { title = new { tag = "plain_text", content = "PO-3003 needs approval" } },
        elements = new object[]
        {
            new { tag = "div", text = new { tag = "lark_md", content = "**Supplier** Acme\n**Amount** ¥48,000" } },
            new { tag = "action", actions = new object[] { new { tag = "button", text = new { tag = "plain_text", content = "Approve" }, value = new { action = "approve" } } } },
        },
    };

    [Fact]
    public async Task A_forwarded_link_shows_and_records_nothing_for_anyone_but_its_recipient_whom_DingTalk_signs_in()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        using var admin = Admin(hub);
        await AddAppAsync(admin, emulator);
        var (id, approve) = await SendToAsync(hub, admin, "alice", "po-3003");
        var hubOrigin = new Uri(approve).GetLeftPart(UriPartial.Authority);

        // Whoever holds the link and posts it — the hole: this used to record Alice's approval — records nothing now.
        using var anyone = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using (var blind = await anyone.PostAsync(approve, new FormUrlEncodedContent([])))
        {
            blind.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await blind.Content.ReadAsStringAsync()).ShouldContain("DingTalk has not confirmed who you are");
        }

        Actions(admin, id).ShouldBeEmpty();

        // Opening it without a sign-in shows nothing of the notification: the browser goes to DingTalk's login of the app.
        using (var first = await anyone.GetAsync(approve))
        {
            first.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            var login = first.Headers.Location!;
            login.GetLeftPart(UriPartial.Path).ShouldBe(new Uri(emulator.BaseUrl, "/dingtalk/oauth2/auth").AbsoluteUri);
            var query = System.Web.HttpUtility.ParseQueryString(login.Query);
            query["client_id"].ShouldBe(EmulatorOptions.DefaultDingTalkAppKey);
            query["redirect_uri"].ShouldBe(hubOrigin + "/dingtalk/actions/signin");
            query["response_type"].ShouldBe("code");
            query["prompt"].ShouldBe("consent");
            query["scope"]!.Split(' ').ShouldContain("openid");
            (await first.Content.ReadAsStringAsync()).ShouldNotContain("PO-3003");
            NoLeaks(first);
        }

        // Bob got the card forwarded and opens it: DingTalk signs him in as Bob, and the page refuses him.
        using var bob = new DingTalkBrowser("bob");
        using (var refused = await bob.OpenAsync(approve))
        {
            bob.SignedInOnTheWay.ShouldBeTrue();
            refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            var text = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
            text.ShouldContain("You are signed in to DingTalk as <strong>Bob Li</strong>, but this notification was sent to someone else");
            text.ShouldNotContain("PO-3003");
            text.ShouldNotContain("Acme");
            text.ShouldContain($"<a href=\"{new Uri(approve).AbsolutePath}?signin=1\">sign in with your own DingTalk account</a>");
            NoLeaks(refused);
        }

        using (var bobConfirms = await bob.ConfirmAsync(approve))
        {
            bobConfirms.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await bobConfirms.Content.ReadAsStringAsync()).ShouldNotContain("PO-3003");
        }

        Actions(admin, id).ShouldBeEmpty("a sign-in of someone else records nothing");

        // Cancelling on DingTalk's page signs nobody in and shows nothing.
        using var hesitant = new DingTalkBrowser("alice");
        using (var cancelled = await hesitant.OpenAsync(approve, decision: "cancel"))
        {
            cancelled.StatusCode.ShouldBe(HttpStatusCode.OK);
            var text = await cancelled.Content.ReadAsStringAsync();
            text.ShouldContain("DingTalk did not sign you in");
            text.ShouldNotContain("PO-3003");
        }

        // DingTalk's return opened in another browser (a forwarded sign-in URL) signs nobody in: the leg is this browser's.
        var callback = await AliceAgreesAsync(anyone, approve);
        using var elsewhere = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using (var stolen = await elsewhere.GetAsync(callback))
        {
            stolen.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await stolen.Content.ReadAsStringAsync()).ShouldContain("not started in this browser");
            var cookies = stolen.Headers.TryGetValues("Set-Cookie", out var set) ? set.ToList() : [];
            cookies.ShouldNotContain(c => c.StartsWith("larkway_dingtalk=", StringComparison.Ordinal), "no sign-in cookie: " + string.Join("; ", cookies));
        }

        Actions(admin, id).ShouldBeEmpty();

        // Alice opens it: DingTalk signs her in, the page asks, and her confirm is recorded as hers.
        using var alice = new DingTalkBrowser("alice");
        using (var asked = await alice.OpenAsync(approve))
        {
            asked.StatusCode.ShouldBe(HttpStatusCode.OK);
            var text = WebUtility.HtmlDecode(await asked.Content.ReadAsStringAsync());
            text.ShouldContain("PO-3003 needs approval");
            text.ShouldContain("Amount ¥48,000");
            text.ShouldContain("Deciding as <strong>Alice Chen</strong>");
            NoLeaks(asked);
        }

        using (var confirmed = await alice.ConfirmAsync(approve))
        {
            confirmed.StatusCode.ShouldBe(HttpStatusCode.OK, await confirmed.Content.ReadAsStringAsync());
        }

        var action = Actions(admin, id).ShouldHaveSingleItem();
        action.GetProperty("operator").GetProperty("user_id").GetString().ShouldBe("alice");
    }

    [Fact]
    public async Task A_link_stops_working_once_its_recipient_leaves_the_directory()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", new Dictionary<string, string?>
        {
            ["Larkway:Directory:ReconcileEnabled"] = "false",
            ["Larkway:Directory:PollInterval"] = "00:00:00.200",
        });
        using var admin = Admin(hub);
        await AddAppAsync(admin, emulator);
        await HubPersonRoutingTests.SyncDirectoryAsync(admin);
        var bobPerson = await HubPersonRoutingTests.PersonIdAsync(admin, "bob@example.com");

        // Bob's DingTalk account is his in the directory (an administrator's link), so the Hub knows whose link it is.
        using (var linked = await admin.PutAsJsonAsync($"/api/v1/directory/people/{bobPerson}/links/dingtalk/{AppName}", new { user_id = "bob" }))
        {
            linked.IsSuccessStatusCode.ShouldBeTrue(await linked.Content.ReadAsStringAsync());
        }

        var (id, approve) = await SendToAsync(hub, admin, "bob", "po-3004");
        using var bob = new DingTalkBrowser("bob");
        (await bob.OpenAsync(approve)).StatusCode.ShouldBe(HttpStatusCode.OK, "while Bob is in the directory his link asks him");

        // Bob leaves: Feishu's directory deletes him, and the next sync records it.
        var feishuBob = hub.State.FindUser("email", "bob@example.com")!;
        using (var deleted = await hub.Control.DeleteAsync("/_emulator/contact/users/" + feishuBob.UserId))
        {
            deleted.IsSuccessStatusCode.ShouldBeTrue(await deleted.Content.ReadAsStringAsync());
        }

        await HubPersonRoutingTests.SyncDirectoryAsync(admin);
        await HubSandbox.WaitUntilAsync(
            () => admin.GetFromJsonAsync<JsonElement>("/api/v1/directory/people/" + bobPerson).GetAwaiter().GetResult().GetProperty("status").GetString() == "resigned",
            "the directory marks Bob resigned");

        // His still-signed-in page no longer acts, and a fresh look says why.
        using (var late = await bob.ConfirmAsync(approve))
        {
            late.StatusCode.ShouldBe(HttpStatusCode.Gone);
            (await late.Content.ReadAsStringAsync()).ShouldContain("is no longer active in the directory");
        }

        using (var again = await bob.OpenAsync(approve))
        {
            again.StatusCode.ShouldBe(HttpStatusCode.Gone);
        }

        Actions(admin, id).ShouldBeEmpty("a link of someone who left decides nothing");
    }

    /// <summary>Sends the card to a DingTalk user of the app and returns the notification and its Approve link.</summary>
    private static async Task<(string Id, string Approve)> SendToAsync(HubSandbox hub, HttpClient admin, string userId, string key)
    {
        using var queued = await admin.PostAsJsonAsync("/api/v1/notifications", new { type = "po", idempotency_key = key, app = AppName, card = Card, recipients = new[] { new { dingtalk_userid = userId } } });
        queued.StatusCode.ShouldBe(HttpStatusCode.Accepted, await queued.Content.ReadAsStringAsync());
        var id = (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await HubSandbox.WaitUntilAsync(() => Status(admin, id) == "sent", "the card sent", seconds: 60);
        var message = (await RobotMessagesAsync(hub, userId)).Last();
        return (id, Links(message.GetProperty("msgParam")).Single(l => l.Contains("/dingtalk/actions/", StringComparison.Ordinal)));
    }

    /// <summary>Starts the sign-in with <paramref name="browser"/> and agrees on DingTalk's page as Alice; returns DingTalk's return URL without following it.</summary>
    private static async Task<Uri> AliceAgreesAsync(HttpClient browser, string link)
    {
        using var challenge = await browser.GetAsync(link);
        var login = challenge.Headers.Location!;
        var query = System.Web.HttpUtility.ParseQueryString(login.Query);
        var fields = query.AllKeys.Select(k => new KeyValuePair<string, string>(k!, query[k]!)).Append(new("user", "alice")).Append(new("decision", "agree"));
        using var agreed = await browser.PostAsync(new Uri(login, login.AbsolutePath), new FormUrlEncodedContent(fields));
        agreed.StatusCode.ShouldBe(HttpStatusCode.Redirect, await agreed.Content.ReadAsStringAsync());
        return agreed.Headers.Location!;
    }

    /// <summary>What every page of the links sends: no Referer onwards, no cache, no frame.</summary>
    private static void NoLeaks(HttpResponseMessage answer)
    {
        answer.Headers.GetValues("Referrer-Policy").ShouldBe(["no-referrer"]);
        answer.Headers.CacheControl!.NoStore.ShouldBeTrue();
        answer.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("frame-ancestors 'none'");
    }
}
