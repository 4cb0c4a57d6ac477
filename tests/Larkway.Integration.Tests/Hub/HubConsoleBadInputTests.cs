using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// The console's pages under requests no browser of theirs sends: methods without handlers, blank and missing fields; and
/// the assistants' pages (on one Hub, <see cref="AssistantConsole"/>) under malformed forms, wrong names and ids, bad
/// filters and cursors and forged posts: each answered with a page that names the problem, nothing stored, no key shown.
/// </summary>
public sealed class HubConsoleBadInputTests(HubConsoleBadInputTests.AssistantConsole assistants) : IClassFixture<HubConsoleBadInputTests.AssistantConsole>
{
    [Fact]
    public async Task A_post_to_a_page_without_a_post_handler_is_405_not_a_page_rendered_from_an_empty_model()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var client = await SignedInAsync(hub);
        var token = await client.TokenFromAsync("/console");

        foreach (var path in new[] { "/console", "/console/notifications/ntf_missing", "/console/audit" })
        {
            using var response = await client.PostFormAsync(path, new Dictionary<string, string> { ["__RequestVerificationToken"] = token }, withToken: false);
            response.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed, path);
            response.Content.Headers.Allow.ShouldContain("GET", path);
        }
    }

    [Fact]
    public async Task Blank_or_missing_names_in_forms_and_routes_are_answered_as_not_found_never_a_server_error()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var client = await SignedInAsync(hub);

        // A route value of one space, and handler arguments left out or blank: each names nothing that exists.
        var cases = new (string Path, Dictionary<string, string> Fields)[]
        {
            ("/console/apps/delete/%20", []),
            ("/console/apps?handler=Test", []),
            ("/console/apps?handler=Test", new() { ["name"] = "" }),
            ("/console/apps?handler=Enabled", new() { ["enabled"] = "true" }),
            ("/console/types?handler=Toggle", new() { ["name"] = " " }),
            ("/console/api-keys?handler=Revoke", []),
            ("/console/webhooks?handler=Delete", new() { ["id"] = "" }),
            ("/console/types/%20?handler=Save", new() { ["Template"] = "", ["SampleData"] = "", ["Recipients"] = "" }),
            ("/console/bitable-syncs/new", []),
            ("/console/bitable-syncs/new", new() { ["Form.Name"] = "", ["Form.IntervalSeconds"] = "-1", ["Form.Direction"] = "sideways", ["Form.Columns"] = "=" }),
            ("/console/bitable-syncs/bsy_missing/edit", new() { ["Form.Name"] = "x" }),
            ("/console/bitable-syncs/%20/edit", []),
        };
        foreach (var (path, fields) in cases)
        {
            using var response = await client.PostFormAsync(path, fields, tokenPage: "/console");
            ((int)response.StatusCode).ShouldBeLessThan(500, path);
        }

        using var dashboard = await client.Http.GetAsync("/console");
        dashboard.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_sync_form_names_only_the_database_kinds_it_takes_never_the_retired_hub_kind()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var client = await SignedInAsync(hub);

        using var response = await client.PostFormAsync("/console/bitable-syncs/new", new Dictionary<string, string> { ["Form.Name"] = "x", ["Form.DatabaseKind"] = "mysql" }, tokenPage: "/console");
        var page = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBeLessThan(500);
        page.ShouldContain("your SQLite file (sqlite)");
        System.Text.RegularExpressions.Regex.IsMatch(page, @"Pick one of [^.<]*\bhub\b").ShouldBeFalse();
    }

    [Fact]
    public async Task A_refused_assistant_edit_names_each_problem_beside_its_field_and_leaves_the_stored_assistant_as_it_was()
    {
        var before = await assistants.StoredAsync(AssistantConsole.Helpdesk);

        // One wrong field at a time in an otherwise valid form (that form itself is saved: see the masking test), each
        // with a new key typed, which a refused save must neither store nor show.
        var cases = new (string Field, string Value, string ShownBeside, string Says)[]
        {
            ("Form.TtlHours", "", "sessions.ttl_hours", "Time to live must be a whole number of hours"),
            ("Form.TtlHours", "a week", "sessions.ttl_hours", "must be a whole number of hours, e.g. 168 for 7 days (got 'a week')"),
            ("Form.HistoryTurns", "99999999999999999999", "sessions.history_turns", "History must be a whole number of turns"),
            ("Form.FirstTokenTimeoutSeconds", "-1", "streaming.first_token_timeout_seconds", "The first-text timeout must be a whole number of seconds"),
            ("Form.UpdateIntervalMs", "50", "streaming.update_interval_ms", "The update interval must be 100–10000 milliseconds (got 50)"),
            ("Form.TtlHours", "0", "sessions.ttl_hours", "Time to live must be 1–8760 hours (got 0)"),
            ("Form.DisplayName", new string('d', 100_000), "display_name", "The display name must be 1–100 characters"),
            ("Form.Backend", "claude", "backend", "The backend must be one of: dify, openai"),
            ("Form.BaseUrl", "ftp://user:pw@example.com/v1", "base_url", "The base URL must be an absolute http(s) URL"),
            ("Form.ApiKey", "app-" + new string('k', 2000), "api_key", "The API key is required"),
            ("Form.Model", "gpt-4o-mini", "model", "The model is not used with Dify"),
            ("Form.Apps", "nope", "apps", "Apps: 'nope' is not one of the Hub's apps"),
            ("Form.Apps", "", "apps", "Apps must name at least one of the Hub's apps"),
            ("Form.DirectMessages", "allowlist", "policy.direct_message_allowlist.people", "must name people or departments when direct_messages is \"allowlist\""),
            ("Form.GroupMode", """{"mode": "all"}""", "policy.groups.mode", """Group chats must be one of: mention, all, disabled (got '{"mode": "all"}')"""),
            ("Form.UnknownUsers", "[", "policy.unknown_users", "Unknown users must be one of: guest, link, refuse (got '[')"),
            ("Form.AccessPeople", """{"people": ["per_1"]}""", "policy.access.people", """People: '{"people": ["per_1"]}' is neither a person id (per_…) nor an email."""),
            ("Form.AccessDepartments", new string('o', 129), "policy.access.departments", "department ids are 1–128 characters"),
            ("Form.SessionMode", "forever", "sessions.mode", "The session mode must be one of: person, conversation, thread (got 'forever')"),
            ("Form.MaskToBackend", "passport", "masking.to_backend", "'passport' is not a detector"),
        };
        foreach (var (field, value, beside, says) in cases)
        {
            var typedKey = $"app-typed-{Guid.NewGuid():N}";
            var form = AssistantConsole.ValidForm(apiKey: typedKey);
            form[field] = value;
            var what = $"{field}={value[..Math.Min(value.Length, 40)]}";

            using var response = await assistants.Console.PostFormAsync("/console/assistants/helpdesk/edit", form, tokenPage: "/console/assistants/helpdesk/edit");
            var page = await AssistantConsole.ReadPageAsync(response, HttpStatusCode.BadRequest, what);
            page.ShouldContain("The assistant was not saved.", Case.Sensitive, what);
            page.ShouldContain($"data-field=\"{beside}\"", Case.Sensitive, what);
            WebUtility.HtmlDecode(page).ShouldContain(says, Case.Sensitive, what);
            page.ShouldNotContain(typedKey, Case.Sensitive, what);
            page.ShouldContain("The API key you typed was not kept", Case.Sensitive, what);
            (await assistants.StoredAsync(AssistantConsole.Helpdesk)).ShouldBe(before, what);
        }

        // The key in use works on: it was neither replaced nor leaked, in the pages above or in the log.
        (await assistants.StoredKeyAsync(AssistantConsole.Helpdesk)).ShouldBe(AssistantConsole.Key);
        assistants.Logs.Lines.ShouldAllBe(l => !l.Message.Contains("app-typed-", StringComparison.Ordinal) && !l.Message.Contains(AssistantConsole.Key, StringComparison.Ordinal));
    }

    /// <summary>Issue 41 §4: the form's blank key means "keep it", which a new base URL may not do (the key would go there).</summary>
    [Fact]
    public async Task A_new_base_url_with_the_key_left_blank_is_refused_beside_the_key_and_changes_nothing()
    {
        var before = await assistants.StoredAsync(AssistantConsole.Helpdesk);
        var form = AssistantConsole.ValidForm(apiKey: "");
        form["Form.BaseUrl"] = "http://127.0.0.1:9/v1";

        using var response = await assistants.Console.PostFormAsync("/console/assistants/helpdesk/edit", form, tokenPage: "/console/assistants/helpdesk/edit");
        var page = await AssistantConsole.ReadPageAsync(response, HttpStatusCode.BadRequest, "a new base URL without the key");
        page.ShouldContain("data-field=\"api_key\"", Case.Sensitive);
        WebUtility.HtmlDecode(page).ShouldContain("The API key must be given again with a new base_url");
        (await assistants.StoredAsync(AssistantConsole.Helpdesk)).ShouldBe(before);
        (await assistants.StoredKeyAsync(AssistantConsole.Helpdesk)).ShouldBe(AssistantConsole.Key);
    }

    [Fact]
    public async Task A_checkbox_or_number_sent_as_something_it_cannot_be_is_refused_naming_the_field_and_changes_nothing()
    {
        var before = await assistants.StoredAsync(AssistantConsole.Helpdesk);
        foreach (var (field, value) in new[] { ("Form.Enabled", "maybe"), ("Form.AnswerAtAll", "<b>yes</b>") })
        {
            var form = AssistantConsole.ValidForm(apiKey: "");
            form[field] = value;

            // Read as its default (false), the first would have switched the assistant off.
            using var response = await assistants.Console.PostFormAsync("/console/assistants/helpdesk/edit", form, tokenPage: "/console/assistants/helpdesk/edit");
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, field);
            var page = await response.Content.ReadAsStringAsync();
            page.ShouldContain("<h1>The form could not be read</h1>", Case.Sensitive, field);
            page.ShouldContain($"<code>{field}</code> was sent as <code>{WebUtility.HtmlEncode(value)}</code>", Case.Sensitive, field);
            page.ShouldContain("<a href=\"/console/assistants/helpdesk/edit\">Open the page again</a>", Case.Sensitive, field);
            (await assistants.StoredAsync(AssistantConsole.Helpdesk)).ShouldBe(before, field);
        }
    }

    [Fact]
    public async Task A_refused_new_assistant_names_its_problems_and_stores_nothing()
    {
        var before = await assistants.NamesAsync();
        var cases = new (Dictionary<string, string> Form, HttpStatusCode Status, string Says)[]
        {
            ([], HttpStatusCode.BadRequest, "Time to live must be a whole number of hours"),
            (AssistantConsole.ValidForm(name: AssistantConsole.Helpdesk, apiKey: "app-new-key"), HttpStatusCode.Conflict, "The name is taken: an assistant named 'helpdesk' exists."),
            (AssistantConsole.ValidForm(name: "Help Desk!", apiKey: "app-new-key"), HttpStatusCode.BadRequest, "The name must be 1–40 characters of a–z, 0–9 and '-'"),
            (AssistantConsole.ValidForm(name: new string('n', 5000), apiKey: "app-new-key"), HttpStatusCode.BadRequest, "The name must be 1–40 characters"),
            (AssistantConsole.ValidForm(name: "fresh", apiKey: ""), HttpStatusCode.BadRequest, "The API key is required: the Dify app's API key"),
            (AssistantConsole.ValidForm(name: "fresh", apiKey: "app-new\u0001key"), HttpStatusCode.BadRequest, "The API key is required"),
        };
        foreach (var (form, status, says) in cases)
        {
            var what = $"{(form.TryGetValue("Form.Name", out var name) ? name[..Math.Min(name.Length, 20)] : "(no fields)")}: {says}";
            using var response = await assistants.Console.PostFormAsync("/console/assistants/new", form);
            var page = await AssistantConsole.ReadPageAsync(response, status, what);
            WebUtility.HtmlDecode(page).ShouldContain(says, Case.Sensitive, what);
            page.ShouldNotContain("app-new", Case.Sensitive, what);
        }

        (await assistants.NamesAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task An_assistant_saved_enabled_on_an_app_another_answers_is_refused_naming_both_and_nothing_changes()
    {
        var names = await assistants.NamesAsync();
        var other = await assistants.StoredAsync("other");

        // The form says which apps another assistant answers on before anything is sent.
        var blank = WebUtility.HtmlDecode(await assistants.Console.Http.GetStringAsync("/console/assistants/new"));
        blank.ShouldContain("answered by helpdesk");

        // New on helpdesk's app, and an existing one moved onto it: 409, the problem beside the apps, nothing stored.
        var moved = AssistantConsole.ValidForm(apiKey: "");
        moved["Form.Apps"] = "default";
        foreach (var (path, form, tokenPage) in new[]
        {
            ("/console/assistants/new", AssistantConsole.ValidForm(name: "second", apiKey: "app-second-key"), "/console/assistants/new"),
            ("/console/assistants/other/edit", moved, "/console/assistants/other/edit"),
        })
        {
            using var response = await assistants.Console.PostFormAsync(path, form, tokenPage: tokenPage);
            var page = await AssistantConsole.ReadPageAsync(response, HttpStatusCode.Conflict, path);
            page.ShouldContain("The assistant was not saved.", Case.Sensitive, path);
            page.ShouldContain("data-field=\"apps\"", Case.Sensitive, path);
            WebUtility.HtmlDecode(page).ShouldContain("'default' is answered by the enabled assistant 'helpdesk' (Help desk)", Case.Sensitive, path);
        }

        (await assistants.NamesAsync()).ShouldBe(names);
        (await assistants.StoredAsync("other")).ShouldBe(other);
    }

    [Fact]
    public async Task Unknown_assistant_names_and_wrong_session_ids_are_not_found_pages_that_say_so()
    {
        var names = await assistants.NamesAsync();
        var paths = new[]
        {
            "/console/assistants/nope/edit",
            "/console/assistants/nope/delete",
            "/console/assistants/nope/conversations",
            "/console/assistants/nope/conversations/none",
            $"/console/assistants/nope/conversations/{assistants.HelpdeskSession}",
            "/console/assistants/%20/edit",
            "/console/assistants/" + new string('n', 3000) + "/conversations",

            // A session of another assistant, one that does not exist, and ids that are not numbers.
            $"/console/assistants/helpdesk/conversations/{assistants.OtherSession}",
            "/console/assistants/helpdesk/conversations/0",
            "/console/assistants/helpdesk/conversations/-1",
            "/console/assistants/helpdesk/conversations/99999999999999999999",
            "/console/assistants/helpdesk/conversations/abc",
        };
        foreach (var path in paths)
        {
            using var response = await assistants.Console.Http.GetAsync(path);
            var page = await AssistantConsole.ReadPageAsync(response, HttpStatusCode.NotFound, path[..Math.Min(path.Length, 80)]);
            page.ShouldContain("Page not found", Case.Sensitive, path[..Math.Min(path.Length, 80)]);
        }

        // Posts naming an assistant that is not there change none that is.
        using (var edit = await assistants.Console.PostFormAsync("/console/assistants/nope/edit", AssistantConsole.ValidForm(apiKey: ""), tokenPage: "/console/assistants/new"))
        {
            edit.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        // A blank name is no name: the edit page never becomes the new form (a post to it would add an assistant).
        using (var blank = await assistants.Console.PostFormAsync("/console/assistants/%20/edit", AssistantConsole.ValidForm(apiKey: "app-blank-route-key", name: "blank-route"), tokenPage: "/console/assistants/new"))
        {
            blank.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        using (var delete = await assistants.Console.PostFormAsync("/console/assistants/nope/delete", new Dictionary<string, string>(), tokenPage: "/console/assistants/new"))
        {
            delete.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        (await assistants.NamesAsync()).ShouldBe(names);
    }

    [Fact]
    public async Task Bad_filters_and_paging_in_the_assistant_pages_query_strings_are_named_on_the_page()
    {
        var cases = new (string Path, string Says)[]
        {
            ("/console/assistants/helpdesk/conversations?platform=telegram", "Unknown platform 'telegram'; pick one of: feishu, dingtalk, wecom."),
            ("/console/assistants/helpdesk/conversations?status=lost", "Unknown status 'lost'; pick one of: "),
            ("/console/assistants/helpdesk/conversations?person=" + new string('p', 321), "The person is longer than 320 characters"),
            ("/console/assistants/helpdesk/conversations?before=abc", "'abc' is not a page position"),
            ("/console/assistants/helpdesk/conversations?before=99999999999999999999", "is not a page position"),
            ("/console/assistants/helpdesk/conversations/none?before=yesterday", "'yesterday' is not a page position"),
            ("/console/assistants/feedback?assistant=nope", "No assistant is named 'nope'; pick one from the list."),
            ("/console/assistants/feedback?assistant=" + new string('a', 500), "No assistant is named '" + new string('a', 40) + "…'"),
            ("/console/assistants/feedback?after=abc", "The page position is not one this page made; start again from the newest."),
            ("/console/assistants/feedback?after=1_2", "The page position is not one this page made"),
            ("/console/assistants/feedback?after=99999999999999999999_1_per_x", "The page position is not one this page made"),
        };
        foreach (var (path, says) in cases)
        {
            var what = path[..Math.Min(path.Length, 90)];
            using var response = await assistants.Console.Http.GetAsync(path);
            var page = await AssistantConsole.ReadPageAsync(response, HttpStatusCode.BadRequest, what);
            WebUtility.HtmlDecode(page).ShouldContain(says, Case.Sensitive, what);
        }

        // A cursor the pages made still pages: the sessions older than the newest one.
        using var older = await assistants.Console.Http.GetAsync($"/console/assistants/helpdesk/conversations?before={assistants.HelpdeskSession + 1}");
        (await AssistantConsole.ReadPageAsync(older, HttpStatusCode.OK, "a real cursor")).ShouldContain($"data-session=\"{assistants.HelpdeskSession}\"");
    }

    [Fact]
    public async Task Assistant_forms_posted_without_the_antiforgery_token_are_refused_and_change_nothing()
    {
        var names = await assistants.NamesAsync();
        var before = await assistants.StoredAsync(AssistantConsole.Helpdesk);
        var posts = new (string Path, Dictionary<string, string> Form)[]
        {
            ("/console/assistants/new", AssistantConsole.ValidForm(name: "forged", apiKey: "app-forged-key")),
            ("/console/assistants/helpdesk/edit", AssistantConsole.ValidForm(apiKey: "app-forged-key", displayName: "Forged")),
            ("/console/assistants/helpdesk/delete", []),
        };
        foreach (var (path, form) in posts)
        {
            await assistants.Console.TokenFromAsync(path);
            using var response = await assistants.Console.PostFormAsync(path, form, withToken: false);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, path);
        }

        (await assistants.NamesAsync()).ShouldBe(names);
        (await assistants.StoredAsync(AssistantConsole.Helpdesk)).ShouldBe(before);
        (await assistants.StoredKeyAsync(AssistantConsole.Helpdesk)).ShouldBe(AssistantConsole.Key);
    }

    [Fact]
    public async Task An_assistant_form_past_the_servers_form_limits_is_refused_and_changes_nothing()
    {
        var before = await assistants.StoredAsync(AssistantConsole.Helpdesk);
        var tooMany = AssistantConsole.ValidForm(apiKey: "app-too-many-key", displayName: "Too many");
        foreach (var i in Enumerable.Range(0, 1100))
        {
            tooMany[$"Form.Extra{i}"] = "x";
        }

        var tooLong = AssistantConsole.ValidForm(apiKey: "app-too-long-key", displayName: "Too long");
        tooLong["Form.AllowedGroups"] = new string('g', 5 * 1024 * 1024);
        foreach (var (what, form) in new[] { ("1,100 more fields", tooMany), ("a 5 MB field", tooLong) })
        {
            HttpResponseMessage response;
            try
            {
                response = await assistants.Console.PostFormAsync("/console/assistants/helpdesk/edit", form);
            }
            catch (HttpRequestException ex) when (ex.InnerException is IOException)
            {
                // The server answered 400 and closed the connection before the client finished sending the body: refused too.
                continue;
            }

            using (response)
            {
                response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, what);
                (await response.Content.ReadAsStringAsync()).ShouldNotContain("app-too-", Case.Sensitive, what);
            }
        }

        (await assistants.StoredAsync(AssistantConsole.Helpdesk)).ShouldBe(before);
    }

    [Fact]
    public async Task An_edit_with_the_display_name_left_empty_takes_the_name_as_the_form_says()
    {
        var form = AssistantConsole.ValidForm(apiKey: "", displayName: " ");
        form["Form.Apps"] = "dingtalk-sandbox";
        using var response = await assistants.Console.PostFormAsync("/console/assistants/other/edit", form);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());

        var stored = await assistants.Admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/assistants/other");
        stored.GetProperty("display_name").GetString().ShouldBe("other");
    }

    [Fact]
    public async Task An_edit_with_every_masking_detector_unchecked_stores_none_rather_than_the_defaults()
    {
        // A browser posts no field at all for a group of checkboxes none of which is checked.
        var form = AssistantConsole.ValidForm(apiKey: "");
        form["Form.Apps"] = "wecom-sandbox";
        form.Remove("Form.MaskToBackend");
        form.Remove("Form.MaskToPlatform");
        using var response = await assistants.Console.PostFormAsync("/console/assistants/masked/edit", form);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());

        var stored = await assistants.Admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/assistants/masked");
        stored.GetProperty("masking").GetProperty("to_backend").GetArrayLength().ShouldBe(0);
        stored.GetProperty("masking").GetProperty("to_platform").GetArrayLength().ShouldBe(0, "unticked is off, not the phones, ids and cards default");
        (await assistants.StoredKeyAsync("masked")).ShouldBe(AssistantConsole.Key, "a blank key keeps the stored one");
    }

    private static async Task<ConsoleClient> SignedInAsync(HubSandbox hub)
    {
        var client = new ConsoleClient(hub.Host.BaseUrl);
        using var signedIn = await client.SignInAsync(hub.Host.BootstrapAdminPassword!);
        signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }

    /// <summary>
    /// One Hub for the assistant pages' cases, signed in: assistants <c>helpdesk</c>, <c>other</c> and <c>masked</c> (Dify,
    /// on the default app, the sandbox's DingTalk app and its WeCom app, masking emails toward the backend, <c>/new</c> kept to one person) with a session each for the
    /// first two, and every log line the Hub writes.
    /// </summary>
    public sealed class AssistantConsole : IAsyncLifetime
    {
        public const string Helpdesk = "helpdesk";

        /// <summary>The stored assistants' backend key.</summary>
        public const string Key = "app-console-bad-input-key-0001";

        private const string BaseUrl = "http://127.0.0.1:5001/v1";

        private HubSandbox _hub = null!;

        internal ConsoleClient Console { get; private set; } = null!;

        internal HttpClient Admin { get; private set; } = null!;

        internal LogCapture Logs { get; } = new();

        public long HelpdeskSession { get; private set; }

        public long OtherSession { get; private set; }

        public async Task InitializeAsync()
        {
            _hub = await HubSandbox.StartAsync();
            _hub.Host.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().AddProvider(Logs);
            Admin = new HttpClient { BaseAddress = _hub.Api.BaseAddress };
            Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
            // An app has one enabled assistant: the other two answer on the sandbox's DingTalk and WeCom apps.
            foreach (var (name, app) in new[] { (Helpdesk, "default"), ("other", "dingtalk-sandbox"), ("masked", "wecom-sandbox") })
            {
                using var created = await Admin.PostAsJsonAsync("/api/v1/assistants", new
                {
                    name,
                    display_name = "Help desk",
                    backend = "dify",
                    base_url = BaseUrl,
                    api_key = Key,
                    apps = new[] { app },
                    policy = new { commands = new Dictionary<string, object> { ["new"] = new { people = new[] { "per_console_admin" } } } },
                    masking = new { to_backend = new[] { "email" } },
                });
                created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            }

            HelpdeskSession = await InsertSessionAsync(Helpdesk);
            OtherSession = await InsertSessionAsync("other");
            Console = await SignedInAsync(_hub);
        }

        public async Task DisposeAsync()
        {
            Console?.Dispose();
            Admin?.Dispose();
            await _hub.DisposeAsync();
        }

        /// <summary>
        /// The edit form as a browser posts it for the stored assistants (with <paramref name="name"/>: the new form); a blank
        /// <paramref name="apiKey"/> keeps the stored key.
        /// </summary>
        public static Dictionary<string, string> ValidForm(string apiKey, string? name = null, string displayName = "Help desk")
        {
            var form = new Dictionary<string, string>
            {
                ["Form.DisplayName"] = displayName,
                ["Form.Enabled"] = "true",
                ["Form.Backend"] = "dify",
                ["Form.BaseUrl"] = BaseUrl,
                ["Form.ApiKey"] = apiKey,
                ["Form.Model"] = "",
                ["Form.SystemPrompt"] = "",
                ["Form.Apps"] = "default",
                ["Form.DirectMessages"] = "open",
                ["Form.DirectMessagePeople"] = "",
                ["Form.DirectMessageDepartments"] = "",
                ["Form.GroupMode"] = "mention",
                ["Form.AnswerAtAll"] = "false",
                ["Form.AllowedGroups"] = "",
                ["Form.UnknownUsers"] = "link",
                ["Form.AccessPeople"] = "",
                ["Form.AccessDepartments"] = "",
                ["Form.SessionMode"] = "person",
                ["Form.TtlHours"] = "168",
                ["Form.HistoryTurns"] = "10",
                ["Form.MaskToBackend"] = "email",
                ["Form.UpdateIntervalMs"] = "500",
                ["Form.FirstTokenTimeoutSeconds"] = "60",
                ["Form.AnswerTimeoutSeconds"] = "300",
            };
            if (name is not null)
            {
                form["Form.Name"] = name;
            }

            return form;
        }

        /// <summary>A page answered with <paramref name="status"/>: an HTML page, no error of the server's and no stack trace.</summary>
        public static async Task<string> ReadPageAsync(HttpResponseMessage response, HttpStatusCode status, string what)
        {
            var page = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(status, $"{what}: {page[..Math.Min(page.Length, 400)]}");
            response.Content.Headers.ContentType?.MediaType.ShouldBe("text/html", what);
            page.ShouldNotContain("Exception", Case.Sensitive, what);
            page.ShouldNotMatch(@"\bat Larkway\.", what);
            return page;
        }

        /// <summary>The assistant as the API shows it (every setting and when it last changed).</summary>
        public async Task<string> StoredAsync(string name) => await Admin.GetStringAsync($"/api/v1/assistants/{name}");

        /// <summary>The assistant's backend key as stored (decrypted).</summary>
        public async Task<string?> StoredKeyAsync(string name) =>
            (await _hub.Host.Services.GetRequiredService<Larkway.Hub.Assistants.Configuration.AssistantService>().DefinitionAsync(name, CancellationToken.None))?.ApiKey;

        /// <summary>The names of the stored assistants.</summary>
        public async Task<List<string?>> NamesAsync() =>
            [.. (await Admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/assistants")).GetProperty("items").EnumerateArray().Select(a => a.GetProperty("name").GetString())];

        private async Task<long> InsertSessionAsync(string assistant)
        {
            var now = DateTimeOffset.UtcNow;
            await using var db = await _hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
            var session = new AssistantSessionRow
            {
                Assistant = assistant, Key = "person:per_console_alice", Number = 1, PersonId = "per_console_alice", Turns = 0,
                CreatedAt = now, LastActiveAt = now, ExpiresAt = now.AddHours(1),
            };
            db.AssistantSessions.Add(session);
            await db.SaveChangesAsync();
            return session.Id;
        }
    }
}
