using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>The assistants API: what it stores, what it refuses and how it says what to fix, and that the key never comes back.</summary>
public sealed class HubAssistantsApiTests
{
    private const string DifyKey = "app-assistant-api-test-key-0001";

    [Fact]
    public async Task An_assistant_is_added_shown_without_its_key_changed_and_removed()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = Admin(hub);

        var created = await admin.PostAsJsonAsync("/api/v1/assistants", new
        {
            name = "helpdesk",
            backend = "dify",
            base_url = "http://127.0.0.1:5001/v1",
            api_key = DifyKey,
            apps = new[] { "default" },
            policy = new { groups = new { mode = "mention", answer_at_all = true }, unknown_users = "guest" },
        });
        var createdText = await created.Content.ReadAsStringAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, createdText);
        createdText.ShouldNotContain(DifyKey);
        var assistant = JsonDocument.Parse(createdText).RootElement;
        assistant.GetProperty("api_key_set").GetBoolean().ShouldBeTrue();
        assistant.GetProperty("display_name").GetString().ShouldBe("helpdesk");
        assistant.GetProperty("enabled").GetBoolean().ShouldBeTrue();
        assistant.GetProperty("policy").GetProperty("groups").GetProperty("answer_at_all").GetBoolean().ShouldBeTrue();
        assistant.GetProperty("policy").GetProperty("direct_messages").GetString().ShouldBe("open");
        assistant.GetProperty("sessions").GetProperty("mode").GetString().ShouldBe("person");
        assistant.GetProperty("sessions").GetProperty("ttl_hours").GetInt32().ShouldBe(168);
        assistant.GetProperty("masking").GetProperty("to_backend").EnumerateArray().Select(d => d.GetString()).ShouldBe(["china_mobile", "resident_id", "bank_card", "email"]);
        assistant.GetProperty("streaming").GetProperty("update_interval_ms").GetInt32().ShouldBe(500);

        // Stored protected: the row holds no trace of the key.
        var factory = hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            var row = await db.Assistants.SingleAsync(a => a.Name == "helpdesk");
            row.ApiKey.ShouldNotContain(DifyKey);
            row.ApiKey.ShouldStartWith("dp1:");
        }

        (await admin.PostAsJsonAsync("/api/v1/assistants", new { name = "helpdesk", backend = "dify", base_url = "http://127.0.0.1:5001/v1", api_key = "k", apps = new[] { "default" } }))
            .StatusCode.ShouldBe(HttpStatusCode.Conflict);

        // Switching to an OpenAI-compatible backend needs a model; the answer says so.
        var noModel = await admin.PatchAsJsonAsync("/api/v1/assistants/helpdesk", new { backend = "openai" });
        noModel.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await noModel.Content.ReadAsStringAsync()).ShouldContain("model: is required for an OpenAI-compatible backend");

        var switched = await admin.PatchAsJsonAsync("/api/v1/assistants/helpdesk", new { backend = "openai", model = "qwen2.5:7b", system_prompt = "Answer briefly.", display_name = "Help desk" });
        var switchedText = await switched.Content.ReadAsStringAsync();
        switched.StatusCode.ShouldBe(HttpStatusCode.OK, switchedText);
        var changed = JsonDocument.Parse(switchedText).RootElement;
        changed.GetProperty("model").GetString().ShouldBe("qwen2.5:7b");
        changed.GetProperty("display_name").GetString().ShouldBe("Help desk");
        changed.GetProperty("policy").GetProperty("unknown_users").GetString().ShouldBe("guest", "a change keeps what it does not name");

        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/v1/assistants");
        listed.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("name").GetString()).ShouldBe(["helpdesk"]);

        (await admin.DeleteAsync("/api/v1/assistants/helpdesk")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var gone = await admin.GetAsync("/api/v1/assistants/helpdesk");
        gone.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await gone.Content.ReadAsStringAsync()).ShouldContain("GET /api/v1/assistants lists them");
    }

    /// <summary>
    /// Issue 41 §4: a question sends the stored backend key to the assistant's base_url, so a new base_url needs the key
    /// again in the same change. Without it the change is refused and the next question still goes where it went; with it,
    /// the new host gets the new key (the listener proves it listens) and never the stored one.
    /// </summary>
    [Fact]
    public async Task A_new_base_url_without_the_key_is_refused_and_the_stored_key_never_reaches_the_new_host()
    {
        await using var hub = await HubSandbox.StartAsync();
        await using var listener = await WebhookReceiver.StartAsync();
        using var admin = Admin(hub);
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.CreateAsync("desk", ["default"]);
        var moved = listener.Url("/v1").ToString();

        using (var refused = await admin.PatchAsJsonAsync("/api/v1/assistants/desk", new { base_url = moved, display_name = "Desk" }))
        {
            var text = await refused.Content.ReadAsStringAsync();
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
            text.ShouldContain("api_key: must be given again with a new base_url");
        }

        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/assistants/desk")).GetProperty("base_url").GetString().ShouldBe(new Uri(hub.Emulator.BaseUrl, "dify/v1").ToString());
        await hub.SayToBotAsync("Where is the VPN guide?");
        (await driver.EndedTurnsAsync(1)).Single().Status.ShouldBe(AssistantTurnStatus.Answered, "the question still went to the stored backend");
        listener.Received.ShouldBeEmpty();

        using (var changed = await admin.PatchAsJsonAsync("/api/v1/assistants/desk", new { base_url = moved, api_key = "key-for-the-new-host" }))
        {
            changed.StatusCode.ShouldBe(HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());
        }

        await hub.SayToBotAsync("And the printer?");
        await HubSandbox.WaitUntilAsync(() => !listener.Received.IsEmpty, "the question at the new host");
        listener.Received.ShouldAllBe(r => r.Headers["Authorization"] == "Bearer key-for-the-new-host");
    }

    [Fact]
    public async Task A_wrong_assistant_gets_every_problem_named_with_what_to_send_instead()
    {
        await using var hub = await HubSandbox.StartAsync();
        var logs = new LogCapture();
        hub.Host.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().AddProvider(logs);
        using var admin = Admin(hub);

        var refused = await admin.PostAsJsonAsync("/api/v1/assistants", new
        {
            name = "Help Desk",
            backend = "claude",
            base_url = "ftp://example.com",
            apps = new[] { "default", "nope" },
            policy = new { direct_messages = "allowlist", groups = new { mode = "sometimes" }, unknown_users = "maybe", access = new { people = new[] { "bob" } } },
            sessions = new { mode = "forever", ttl_hours = 0 },
            masking = new { to_backend = new[] { "china_mobile", "passport" } },
            streaming = new { update_interval_ms = 10, dingtalk_card_template_id = " " }, // the last checked by DingTalk's room
        });
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest, string.Join("\n", logs.WarningsOrWorse.Select(e => e + " " + e.Exception)));
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        var fields = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        fields.ShouldBe(
            ["name", "backend", "base_url", "api_key", "apps", "policy.access.people", "policy.direct_message_allowlist", "policy.groups.mode", "policy.unknown_users",
             "sessions.mode", "sessions.ttl_hours", "masking.to_backend", "streaming.update_interval_ms", "streaming.dingtalk_card_template_id"],
            ignoreOrder: true);
        var detail = problem.GetProperty("detail").GetString()!;
        detail.ShouldContain("'nope' is not one of the Hub's apps; known: ");
        detail.ShouldContain("'passport' is not a detector; use any of: china_mobile, resident_id, bank_card, email");
        detail.ShouldContain("must be one of: mention, all, disabled (got 'sometimes')");

        // A member the API does not know is a typo, named with the ones it knows.
        var typo = await admin.PostAsJsonAsync("/api/v1/assistants", new { name = "x", backend = "dify", base_url = "https://api.dify.ai/v1", api_key = "k", apps = new[] { "default" }, policy = new { gruops = new { } } });
        typo.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await typo.Content.ReadAsStringAsync()).ShouldContain("gruops");

        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/assistants")).GetProperty("items").GetArrayLength().ShouldBe(0, "nothing refused was stored");
    }

    [Fact]
    public async Task A_second_enabled_assistant_on_an_app_is_refused_naming_the_one_that_answers_there()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = Admin(hub);
        (await admin.PostAsJsonAsync("/api/v1/assistants", Body("helpdesk", ["default"]))).StatusCode.ShouldBe(HttpStatusCode.Created);

        // Added enabled on the app helpdesk answers on: refused, naming both, nothing stored.
        var second = await admin.PostAsJsonAsync("/api/v1/assistants", Body("second", ["dingtalk-sandbox", "default"]));
        var secondText = await second.Content.ReadAsStringAsync();
        second.StatusCode.ShouldBe(HttpStatusCode.Conflict, secondText);
        var problem = JsonDocument.Parse(secondText).RootElement;
        problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ShouldBe(["apps"]);
        problem.GetProperty("detail").GetString()!.ShouldContain("'default' is answered by the enabled assistant 'helpdesk'");
        (await admin.GetAsync("/api/v1/assistants/second")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // Disabled it may name the app; enabling it there is refused, as is adding the app to an enabled one.
        (await admin.PostAsJsonAsync("/api/v1/assistants", Body("second", ["default"], enabled: false))).StatusCode.ShouldBe(HttpStatusCode.Created);
        var enabling = await admin.PatchAsJsonAsync("/api/v1/assistants/second", new { enabled = true });
        enabling.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await enabling.Content.ReadAsStringAsync()).ShouldContain("'default' is answered by the enabled assistant 'helpdesk'");
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/assistants/second")).GetProperty("enabled").GetBoolean().ShouldBeFalse();
        (await admin.PatchAsJsonAsync("/api/v1/assistants/second", new { enabled = true, apps = new[] { "dingtalk-sandbox" } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var adding = await admin.PatchAsJsonAsync("/api/v1/assistants/second", new { apps = new[] { "dingtalk-sandbox", "default" } });
        adding.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await adding.Content.ReadAsStringAsync()).ShouldContain("'default' is answered by the enabled assistant 'helpdesk'");

        // Each answers where it alone is enabled: nothing is flagged, and a change to either that keeps that is stored.
        (await admin.PatchAsJsonAsync("/api/v1/assistants/helpdesk", new { display_name = "Help desk" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/v1/assistants");
        listed.GetProperty("items").EnumerateArray().ShouldAllBe(a => a.GetProperty("not_answering").GetArrayLength() == 0);
    }

    [Fact]
    public async Task Assistants_stored_overlapping_before_the_rule_are_flagged_in_the_API_and_the_console_and_the_one_stored_first_answers()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = Admin(hub);
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.CreateAsync("helpdesk", ["default"]);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 5 });

        // An overlap as a Hub stored it before overlaps were refused: 'alpha' (first by name) added later on the same app.
        var factory = hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            var copy = await db.Assistants.AsNoTracking().SingleAsync(a => a.Name == "helpdesk");
            copy.Name = "alpha";
            copy.DisplayName = "Alpha";
            copy.CreatedAt = copy.CreatedAt.AddMinutes(1);
            db.Assistants.Add(copy);
            await db.SaveChangesAsync();
        }

        var alpha = await admin.GetFromJsonAsync<JsonElement>("/api/v1/assistants/alpha");
        var flagged = alpha.GetProperty("not_answering").EnumerateArray().ShouldHaveSingleItem();
        flagged.GetProperty("app").GetString().ShouldBe("default");
        flagged.GetProperty("answered_by").GetString().ShouldBe("helpdesk");
        var listed = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/assistants")).GetProperty("items").EnumerateArray().ToDictionary(a => a.GetProperty("name").GetString()!, a => a.GetProperty("not_answering").GetArrayLength());
        listed.ShouldBe(new Dictionary<string, int> { ["alpha"] = 1, ["helpdesk"] = 0 });

        using var console = new ConsoleClient(hub.Host.BaseUrl);
        (await console.SignInAsync(hub.Host.BootstrapAdminPassword!)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var list = System.Net.WebUtility.HtmlDecode(await console.Http.GetStringAsync("/console/assistants"));
        list.ShouldContain("not answering: helpdesk answers on default");
        var form = System.Net.WebUtility.HtmlDecode(await console.Http.GetStringAsync("/console/assistants/alpha/edit"));
        form.ShouldContain("Not answering on default: helpdesk answers there");
        form.ShouldContain("answered by helpdesk");

        // The one stored first answers; the other cannot be saved enabled on the app until the overlap is resolved, the first can.
        await hub.SayToBotAsync("Who answers here?");
        (await driver.EndedTurnsAsync(1)).Single().Assistant.ShouldBe("helpdesk");
        var alphaChange = await admin.PatchAsJsonAsync("/api/v1/assistants/alpha", new { display_name = "Alpha 2" });
        alphaChange.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await alphaChange.Content.ReadAsStringAsync()).ShouldContain("'default' is answered by the enabled assistant 'helpdesk'");
        (await admin.PatchAsJsonAsync("/api/v1/assistants/helpdesk", new { display_name = "Help desk" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.PatchAsJsonAsync("/api/v1/assistants/alpha", new { enabled = false })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/assistants/alpha")).GetProperty("not_answering").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Only_the_admin_key_manages_assistants()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = hub.Api.BaseAddress };
        (await anonymous.GetAsync("/api/v1/assistants")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private static object Body(string name, string[] apps, bool enabled = true) => new
    {
        name,
        backend = "dify",
        base_url = "http://127.0.0.1:5001/v1",
        api_key = DifyKey,
        apps,
        enabled,
    };

    private static HttpClient Admin(HubSandbox hub)
    {
        var client = new HttpClient { BaseAddress = hub.Api.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        return client;
    }
}
