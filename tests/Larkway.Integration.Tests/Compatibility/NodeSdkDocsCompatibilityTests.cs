using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Seed;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Compatibility;

/// <summary>
/// The official <c>@larksuiteoapi/node-sdk</c>, unchanged, against the Emulator's Docs and wiki: docx create, get,
/// raw_content, blocks (paged), children (with a client_token replayed), wiki get_node and child nodes (paged), drive
/// permission members and public settings. scripts/install-test-deps.sh installs node and the package.
/// </summary>
public sealed class NodeSdkDocsCompatibilityTests
{
    private static readonly string CompatDirectory = Path.Combine(RepoPaths.Root, "tests", "compat", "node-sdk");

    [Fact]
    public async Task Official_node_sdk_writes_and_reads_a_document_walks_the_wiki_and_manages_permissions()
    {
        Assert.True(
            Directory.Exists(Path.Combine(CompatDirectory, "node_modules", "@larksuiteoapi", "node-sdk")),
            "the node-sdk is not installed: run scripts/install-test-deps.sh (scripts/test.sh does)");

        // docx edits are 3/s per app; the script makes more in a burst than a person would, so limits are off here.
        var options = new EmulatorOptions { Port = 0, EnforceRateLimits = false };
        await using var emulator = await EmulatorServer.StartAsync(options);
        var run = await ProcessRunner.RunAsync(
            "node",
            ["docs.mjs", emulator.BaseUrl.ToString().TrimEnd('/'), options.AppId, options.AppSecret],
            CompatDirectory,
            TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 0, $"node-sdk run failed ({run.ExitCode}): {run.Error}\n{run.Output}");
        using var result = JsonDocument.Parse(run.Output);
        var root = result.RootElement;

        var created = root.GetProperty("created");
        var documentId = created.GetProperty("document_id").GetString()!;
        Assert.Equal(27, documentId.Length);
        Assert.Equal(1, created.GetProperty("revision_id").GetInt32());
        Assert.Equal("From node-sdk", created.GetProperty("title").GetString());

        // Three blocks made once: the client_token replay answered the same ids, and the revision moved by one.
        var children = root.GetProperty("children");
        var ids = children.GetProperty("ids").EnumerateArray().Select(i => i.GetString()).ToList();
        Assert.Equal(3, ids.Count);
        Assert.Equal(ids, children.GetProperty("replayed").EnumerateArray().Select(i => i.GetString()));
        Assert.Equal(2, children.GetProperty("revision").GetInt32());
        Assert.Equal(2, root.GetProperty("document").GetProperty("revision_id").GetInt32());
        Assert.Equal("From node-sdk\nAgenda\nFirst point\na bullet\n", root.GetProperty("raw_content").GetString());

        // Four blocks (page, heading1, text, bullet) two a page: the SDK followed page_token.
        var blocks = root.GetProperty("blocks");
        Assert.Equal(2, blocks.GetProperty("pages").GetInt32());
        Assert.Equal([1, 3, 2, 12], blocks.GetProperty("types").EnumerateArray().Select(t => t.GetInt32()));

        var node = root.GetProperty("node");
        Assert.Equal(DefaultDocs.WelcomeDocument, node.GetProperty("obj_token").GetString());
        Assert.Equal("docx", node.GetProperty("obj_type").GetString());
        Assert.Equal(DefaultDocs.HandbookSpaceId, node.GetProperty("space_id").GetString());
        Assert.Equal("Welcome to Larkway", node.GetProperty("first_line").GetString());
        var nodes = root.GetProperty("nodes");
        Assert.Equal(["Working hours and time off", "Expenses and travel", "Engineering onboarding"], nodes.GetProperty("titles").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(2, nodes.GetProperty("pages").GetInt32());
        Assert.Equal(1770002, root.GetProperty("wiki_token_as_document").GetProperty("code").GetInt32());

        Assert.Equal("bob@example.com", root.GetProperty("member").GetProperty("member_id").GetString());
        Assert.Equal("view", root.GetProperty("member").GetProperty("perm").GetString());
        var member = Assert.Single(root.GetProperty("members").EnumerateArray());
        Assert.Equal("Bob Li", member.GetProperty("name").GetString());
        Assert.True(root.GetProperty("auth_edit").GetBoolean());
        Assert.Equal(0, root.GetProperty("members_after").GetInt32());
        Assert.Equal("closed", root.GetProperty("public").GetProperty("before").GetString());
        Assert.Equal("tenant_readable", root.GetProperty("public").GetProperty("after").GetString());
    }
}
