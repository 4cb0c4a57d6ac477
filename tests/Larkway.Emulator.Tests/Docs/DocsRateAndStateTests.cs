using System.Net;
using AngleSharp.Html.Parser;
using Larkway.Emulator.Seed;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Docs;

/// <summary>The docx frequency limits, the state file, and the /docx and /wiki pages.</summary>
public sealed class DocsRateAndStateTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("larkway-docs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Docx_edits_are_3_a_second_per_app_with_http_400_and_3_a_second_per_document_with_http_429()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var app = await emulator.TenantTokenAsync();
        var id = await DocsApi.CreateDocumentAsync(emulator, app);
        emulator.Clock.Advance(TimeSpan.FromSeconds(1));

        var statuses = new List<(int Status, int Code)>();
        for (var i = 0; i < 4; i++)
        {
            using var reply = await DocsApi.AddChildrenAsync(emulator, app, id, [DocsApi.Text("n" + i)]);
            statuses.Add((reply.Status, reply.Code));
            if (i == 3)
            {
                Assert.Equal("3", reply.Header("x-ogw-ratelimit-limit"));
                Assert.NotNull(reply.Header("x-ogw-ratelimit-reset"));
            }
        }

        Assert.Equal([(200, 0), (200, 0), (200, 0), (400, 99991400)], statuses);

        // Another app's three edits of the same document in the same second: the document's limit (429) refuses them.
        emulator.Clock.Advance(TimeSpan.FromSeconds(1));
        var other = await emulator.AddAppAsync("cli_docs_other_0001");
        await DocsApi.ControlAsync(emulator, HttpMethod.Post, $"/_emulator/docs/files/{id}/apps", new { app_id = "cli_docs_other_0001", perm = "edit" });
        var mixed = new List<int>();
        for (var i = 0; i < 2; i++)
        {
            using var mine = await DocsApi.AddChildrenAsync(emulator, app, id, [DocsApi.Text("m" + i)]);
            mixed.Add(mine.Status);
        }

        for (var i = 0; i < 2; i++)
        {
            using var theirs = await DocsApi.AddChildrenAsync(emulator, other, id, [DocsApi.Text("o" + i)]);
            mixed.Add(theirs.Status);
            if (theirs.Status == 429)
            {
                Assert.Equal(99991400, theirs.Code);
            }
        }

        Assert.Equal([200, 200, 200, 429], mixed);

        // Reads: 5 a second per app.
        var reads = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            using var read = await emulator.GetAsync($"{DocsApi.Documents}/{id}", app);
            reads.Add(read.Status);
        }

        Assert.Equal([200, 200, 200, 200, 200, 400], reads);
    }

    [Fact]
    public async Task Documents_spaces_members_and_subscriptions_survive_a_restart()
    {
        var file = Path.Combine(_folder, "state.json");
        var clock = new ManualClock();
        string id;
        await using (var first = await TestEmulator.StartAsync(o => { o.StateFile = file; o.EnforceRateLimits = false; }, clock))
        {
            var app = await first.TenantTokenAsync();
            id = await DocsApi.CreateDocumentAsync(first, app, "Kept");
            using (var added = await DocsApi.AddChildrenAsync(first, app, id, [DocsApi.Text("kept paragraph")], "?client_token=keep-1"))
            {
                Assert.Equal(0, added.Code);
            }

            await DocsApi.ControlAsync(first, HttpMethod.Post, $"/_emulator/docs/files/{id}/members", new { type = "user", id = "bob", perm = "view" });
            using var subscribe = await first.PostJsonAsync($"/open-apis/drive/v1/files/{id}/subscribe?file_type=docx", new { }, app);
            Assert.Equal(0, subscribe.Code);
            await DocsApi.ControlAsync(first, HttpMethod.Post, $"/_emulator/docs/spaces/{DefaultDocs.HandbookSpaceId}/nodes", new { title = "Added later", content = "# Hello" });
        }

        await using var second = await TestEmulator.StartAsync(o => { o.StateFile = file; o.EnforceRateLimits = false; }, clock);
        var again = await second.TenantTokenAsync();
        Assert.Equal("Kept\nkept paragraph\n", (await DocsApi.RawAsync(second, again, id)).GetProperty("content").GetString());
        using (var get = await second.GetAsync($"{DocsApi.Documents}/{id}", again))
        {
            Assert.Equal(2, get.Data.GetProperty("document").GetProperty("revision_id").GetInt32());
        }

        // The client_token still answers without inserting.
        using (var replay = await DocsApi.AddChildrenAsync(second, again, id, [DocsApi.Text("kept paragraph")], "?client_token=keep-1"))
        {
            Assert.Equal(2, replay.Data.GetProperty("document_revision_id").GetInt32());
        }

        var bob = await DocsApi.UserTokenAsync(second, "bob@example.com");
        Assert.Equal("Kept\nkept paragraph\n", (await DocsApi.RawAsync(second, bob, id)).GetProperty("content").GetString());
        using (var subscribed = await second.GetAsync($"/open-apis/drive/v1/files/{id}/get_subscribe?file_type=docx", again))
        {
            Assert.True(subscribed.Data.GetProperty("is_subscribe").GetBoolean());
        }

        using var nodes = await second.GetAsync($"{DocsApi.Spaces}/{DefaultDocs.HandbookSpaceId}/nodes", again);
        Assert.Contains("Added later", nodes.Data.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task The_document_page_renders_blocks_as_the_chosen_user_and_says_whom_to_ask_when_closed()
    {
        await using var emulator = await DocsApi.StartAsync();
        var id = await DocsApi.SeedDocumentAsync(emulator, "Page <test>", """
            # Heading one
            Some **bold** and *italic* with a [link](https://example.com/a?b=1).
            - first bullet
            - second bullet
            1. step
            > a quote
            !!! a callout
            ---
            ```
            var x = "<code>";
            ```
            | Name | Role |
            |---|---|
            | Alice | Admin |
            """, owner: "alice@example.com");

        using (var asAlice = await emulator.Http.GetAsync($"/docx/{id}?as=alice"))
        {
            Assert.Equal(HttpStatusCode.OK, asAlice.StatusCode);
            var html = await asAlice.Content.ReadAsStringAsync();
            var page = new HtmlParser().ParseDocument(html);
            Assert.Equal("Page <test>", page.QuerySelector("main h1")!.TextContent);
            Assert.Equal("Heading one", page.QuerySelector("article h2")!.TextContent);
            Assert.Equal("bold", page.QuerySelector("article p strong")!.TextContent);
            Assert.Equal("italic", page.QuerySelector("article p em")!.TextContent);
            Assert.Equal("https://example.com/a?b=1", page.QuerySelector("article p a")!.GetAttribute("href"));
            Assert.Equal(["first bullet", "second bullet"], page.QuerySelectorAll("article ul li").Select(li => li.TextContent));
            Assert.Equal("step", page.QuerySelector("article ol li")!.TextContent);
            Assert.Equal("a quote", page.QuerySelector("article blockquote")!.TextContent);
            Assert.Equal("a callout", page.QuerySelector("article div.callout")!.TextContent);
            Assert.NotNull(page.QuerySelector("article hr"));
            Assert.Equal("var x = \"<code>\";", page.QuerySelector("article pre code")!.TextContent);
            Assert.Equal(["Name", "Role"], page.QuerySelectorAll("article table th").Select(c => c.TextContent));
            Assert.Equal(["Alice", "Admin"], page.QuerySelectorAll("article table td").Select(c => c.TextContent));
            Assert.NotNull(page.QuerySelector("form.doc-append"));
            Assert.DoesNotContain("<code>\"", html, StringComparison.Ordinal);
        }

        using (var asBob = await emulator.Http.GetAsync($"/docx/{id}?as=bob@example.com"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, asBob.StatusCode);
            var page = new HtmlParser().ParseDocument(await asBob.Content.ReadAsStringAsync());
            Assert.Equal("You don't have access", page.QuerySelector("main h1")!.TextContent);
            Assert.Contains("Alice Chen", page.QuerySelector("p.no-access")!.TextContent, StringComparison.Ordinal);
            Assert.Null(page.QuerySelector("article"));
        }

        var index = await emulator.Http.GetStringAsync("/docx");
        Assert.Contains(id, index, StringComparison.Ordinal);
        Assert.Contains("Employee Handbook", index, StringComparison.Ordinal);
        Assert.Contains("href=\"/docx\"", await emulator.Http.GetStringAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_wiki_page_shows_the_tree_with_links_for_what_the_user_may_read()
    {
        await using var emulator = await DocsApi.StartAsync();
        var page = new HtmlParser().ParseDocument(await emulator.Http.GetStringAsync($"/wiki/spaces/{DefaultDocs.HandbookSpaceId}?as=bob"));
        var top = page.QuerySelectorAll("main > ul.wiki-tree > li");
        Assert.Equal([DefaultDocs.WelcomeNode, DefaultDocs.SecurityNode], top.Select(li => li.GetAttribute("data-node-token")));
        Assert.Equal(3, top[0].QuerySelectorAll("ul li").Length);
        Assert.Equal($"/docx/{DefaultDocs.WelcomeDocument}?as={emulator.User("bob@example.com").OpenId}", top[0].QuerySelector("a")!.GetAttribute("href"));

        var closed = new HtmlParser().ParseDocument(await emulator.Http.GetStringAsync($"/wiki/spaces/{DefaultDocs.PeopleOpsSpaceId}?as=bob"));
        Assert.Null(closed.QuerySelector("ul.wiki-tree a"));
        Assert.Contains("no access", closed.QuerySelector("ul.wiki-tree li")!.TextContent, StringComparison.Ordinal);

        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = emulator.Server.BaseUrl };
        using var redirect = await client.GetAsync($"/wiki/{DefaultDocs.SalaryBandsNode}?as=carol");
        Assert.Equal($"/docx/{DefaultDocs.SalaryBandsDocument}?as=carol", redirect.Headers.Location!.ToString());
        using var carol = await emulator.Http.GetAsync($"/docx/{DefaultDocs.SalaryBandsDocument}?as=carol");
        Assert.Contains("Staff engineer", await carol.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void Seeded_tokens_have_the_documented_shape()
    {
        foreach (var token in new[]
        {
            DefaultDocs.WelcomeNode, DefaultDocs.WelcomeDocument, DefaultDocs.TimeOffNode, DefaultDocs.TimeOffDocument, DefaultDocs.ExpensesNode, DefaultDocs.ExpensesDocument,
            DefaultDocs.OnboardingNode, DefaultDocs.OnboardingDocument, DefaultDocs.SecurityNode, DefaultDocs.SecurityDocument, DefaultDocs.SalaryBandsNode, DefaultDocs.SalaryBandsDocument,
        })
        {
            Assert.Equal(27, token.Length);
            Assert.True(token.All(char.IsAsciiLetterOrDigit), token);
        }

        Assert.All(new[] { DefaultDocs.HandbookSpaceId, DefaultDocs.PeopleOpsSpaceId }, id => Assert.Matches("^[0-9]{19}$", id));
    }
}
