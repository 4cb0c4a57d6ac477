using Larkway.Emulator.Hosting;
using Larkway.Feishu;
using Larkway.Feishu.Authen;
using Larkway.Feishu.Docs;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Docs;

/// <summary>
/// Larkway.Feishu's docs client against the Emulator's documents over the real wire: an answer's Markdown written as
/// blocks and read back, the seeded wiki walked, and who may open what asked as the app and as a person.
/// </summary>
public sealed class DocsWireTests : IAsyncLifetime
{
    private const string SalaryBands = "doxPeopleOpsSalaryBands0001";
    private static readonly Uri Callback = new("http://127.0.0.1:5055/signin-feishu");

    private readonly RecordingHandler _recorder = new();
    private EmulatorServer _emulator = null!;
    private FeishuClient _client = null!;
    private EmulatorOptions _options = null!;

    public async Task InitializeAsync()
    {
        _options = new EmulatorOptions { Port = 0 };
        _emulator = await EmulatorServer.StartAsync(_options);
        _client = new FeishuClient(new FeishuAppOptions { AppId = _options.AppId, AppSecret = _options.AppSecret, BaseUrl = _emulator.BaseUrl }, handler: _recorder);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _recorder.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task An_answer_in_markdown_becomes_a_document_whose_blocks_read_back_as_the_same_structure()
    {
        var document = await _client.Docs.Documents.CreateAsync("Travel answer");
        var blocks = DocxMarkdown.ToBlocks("""
            # Claiming travel

            Claim within **30 days** at [the portal](https://hr.example.com/claims?from=bot).

            - Train
              - Second class
            1. Keep receipts

            | Item | Limit |
            |------|-------|
            | Hotel | 500 |

            ```python
            print("ok")
            ```
            """);

        var revision = await _client.Docs.Blocks.AppendAsync(document.DocumentId, blocks);
        var read = await _client.Docs.Blocks.List(document.DocumentId).ToListAsync();
        var text = await _client.Docs.Documents.RawContentAsync(document.DocumentId);

        revision.ShouldBeGreaterThan(document.RevisionId);
        DocxPlainText.Sections(read).Select(s => s.Text).ShouldBe(
        [
            "# Claiming travel",
            "Claim within 30 days at the portal.",
            "- Train",
            "  - Second class",
            "1. Keep receipts",
            "| Item | Limit |",
            "| Hotel | 500 |",
            "```\nprint(\"ok\")\n```",
        ]);
        var link = read.Single(b => b.Type == DocxBlockType.Text && b.ParentId == document.DocumentId).Text!.Elements.Single(e => e.Style?.Link is not null);
        link.Style!.Link.ShouldBe("https://hr.example.com/claims?from=bot");
        read.Single(b => b.Type == DocxBlockType.Code).Text!.Style!.Language.ShouldBe(DocxCodeLanguage.Python);
        text.ShouldContain("Claim within 30 days");
    }

    [Fact]
    public async Task The_seeded_handbook_is_walked_whole_and_a_wiki_link_resolves_to_its_document()
    {
        var nodes = await _client.Docs.Wiki.WalkAsync("7354000000000000001").ToListAsync();
        var links = FeishuDocLinks.Find($"see {_emulator.BaseUrl}wiki/wikHandbookTimeOff000000002 please", [_emulator.BaseUrl.Host]);
        var node = await _client.Docs.Wiki.GetNodeAsync(links.Single().Token);

        nodes.Count.ShouldBe(5);
        nodes.ShouldAllBe(n => n.IsDocx);
        nodes.Select(n => n.NodeToken).ShouldBeUnique();
        node.ObjToken.ShouldBe("doxHandbookTimeOff000000002");
        (await _client.Docs.Documents.GetAsync(node.ObjToken)).Title.ShouldBe("Working hours and time off");
    }

    [Fact]
    public async Task The_bot_may_open_the_salary_bands_but_feishu_tells_bob_he_may_not_and_only_a_person_can_be_asked_about_as_themselves()
    {
        var bob = await AsUserAsync("bob@example.com");
        var carol = await AsUserAsync("carol@example.com");

        (await _client.Docs.Permissions.CanAsync(SalaryBands, DriveFileType.Docx)).ShouldBeTrue();
        (await bob.Docs.Permissions.CanAsync(SalaryBands, DriveFileType.Docx)).ShouldBeFalse();
        (await carol.Docs.Permissions.CanAsync(SalaryBands, DriveFileType.Docx)).ShouldBeTrue();
        var refused = await Should.ThrowAsync<FeishuApiException>(() => bob.Docs.Documents.RawContentAsync(SalaryBands));
        refused.Code.ShouldBe(FeishuErrorCodes.DocxForbidden);
        FeishuDocsErrors.WhatToDo(refused.Code).ShouldNotBeNull();

        // What the bot sees of its sharing: closed to the company, shared with nobody Bob is.
        var settings = await _client.Docs.Permissions.GetPublicAsync(SalaryBands, DriveFileType.Docx);
        settings.TenantCanRead.ShouldBeFalse();
        var bobOpenId = _emulator.State.FindUser("email", "bob@example.com")!.OpenId;
        (await _client.Docs.Permissions.ListMembersAsync(SalaryBands, DriveFileType.Docx)).ShouldNotContain(m => m.MemberId == bobOpenId);

        // The bot may read it but not share it; its owner Carol shares it with Bob, and Feishu says yes for him too.
        (await Should.ThrowAsync<FeishuApiException>(() => _client.Docs.Permissions.AddMemberAsync(SalaryBands, DriveFileType.Docx, DriveMemberType.Email, "bob@example.com", DrivePermission.View)))
            .Code.ShouldBe(FeishuErrorCodes.DrivePermissionDenied);
        await carol.Docs.Permissions.AddMemberAsync(SalaryBands, DriveFileType.Docx, DriveMemberType.Email, "bob@example.com", DrivePermission.View);
        (await bob.Docs.Permissions.CanAsync(SalaryBands, DriveFileType.Docx)).ShouldBeTrue();
    }

    [Fact]
    public async Task Edits_are_paced_per_document_so_a_burst_is_never_refused_and_each_lands_once()
    {
        var document = await _client.Docs.Documents.CreateAsync("Burst");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => _client.Docs.Blocks.AppendAsync(document.DocumentId, [DocxBlocks.Paragraph($"line {i}")])));

        var lines = (await _client.Docs.Blocks.List(document.DocumentId).ToListAsync()).Where(b => b.Type == DocxBlockType.Text).Select(b => b.Text!.PlainText).ToList();
        lines.Order(StringComparer.Ordinal).ShouldBe([.. Enumerable.Range(0, 8).Select(i => $"line {i}")]);
        _recorder.Calls.Where(c => c.Path.EndsWith("/descendant", StringComparison.Ordinal)).ShouldAllBe(c => c.Status == System.Net.HttpStatusCode.OK);
    }

    private async Task<FeishuClient> AsUserAsync(string email)
    {
        using var authen = new AuthenControl(_emulator.BaseUrl);
        var (_, code) = await authen.AuthorizeAsync(_options.AppId, Callback, email, "docx:document:readonly docs:permission.member:auth", "st", null, null);
        var token = await _client.Authen.ExchangeCodeAsync(code!, Callback);
        return _client.AsUser(token.AccessToken);
    }
}
