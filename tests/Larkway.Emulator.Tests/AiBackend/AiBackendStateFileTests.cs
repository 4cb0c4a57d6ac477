using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.AiBackend;

public sealed class AiBackendStateFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("larkway-ai-state-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_dify_conversation_survives_a_restart_for_its_user()
    {
        var file = Path.Combine(_folder, "emulator-state.json");
        var clock = new ManualClock();
        string conversationId;
        await using (var first = await TestEmulator.StartAsync(o => o.StateFile = file, clock))
        {
            using var response = await AiHttp.PostAsync(first.Http, "/dify/v1/chat-messages", new { query = "remember me", user = "carol", response_mode = "blocking" }, AiHttp.DifyKey);
            conversationId = (await AiHttp.JsonAsync(response)).Str("conversation_id");
        }

        await using var second = await TestEmulator.StartAsync(o => o.StateFile = file, clock);
        using var continued = await AiHttp.PostAsync(second.Http, "/dify/v1/chat-messages", new { query = "still there?", user = "carol", response_mode = "blocking", conversation_id = conversationId }, AiHttp.DifyKey);
        using var stranger = await AiHttp.PostAsync(second.Http, "/dify/v1/chat-messages", new { query = "x", user = "dave", response_mode = "blocking", conversation_id = conversationId }, AiHttp.DifyKey);

        Assert.Equal(200, (int)continued.StatusCode);
        Assert.StartsWith("(turn 2) ", (await AiHttp.JsonAsync(continued)).Str("answer"), StringComparison.Ordinal);
        Assert.Equal(404, (int)stranger.StatusCode);
        Assert.DoesNotContain(AiHttp.DifyKey, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Knowledge_bases_and_their_documents_survive_a_restart()
    {
        var file = Path.Combine(_folder, "emulator-state.json");
        var clock = new ManualClock();
        string documentId;
        string datasetId;
        await using (var first = await TestEmulator.StartAsync(o => o.StateFile = file, clock))
        {
            documentId = (await KnowledgeHttp.CreateAsync(first.Http, "Kept", "Survives a restart.\n\nWith two paragraphs.")).GetProperty("document").Str("id");
            using var dataset = await KnowledgeHttp.PostAsync(first.Http, "/dify/v1/datasets", new { name = "Second" });
            datasetId = (await AiHttp.JsonAsync(dataset)).Str("id");
        }

        await using var second = await TestEmulator.StartAsync(o => o.StateFile = file, clock);
        using var detail = await KnowledgeHttp.GetAsync(second.Http, $"{KnowledgeHttp.Base}/documents/{documentId}");
        using var datasets = await KnowledgeHttp.GetAsync(second.Http, "/dify/v1/datasets");
        using var next = await KnowledgeHttp.PostAsync(second.Http, KnowledgeHttp.Base + "/document/create-by-text", new { name = "Next", text = "t" });

        Assert.Equal(200, (int)detail.StatusCode);
        Assert.Equal("Kept", (await AiHttp.JsonAsync(detail)).Str("name"));
        Assert.Equal("Survives a restart.\n\nWith two paragraphs.", Assert.Single(await KnowledgeHttp.HeldAsync(second.Http), d => d.Str("id") == documentId).Str("text"));
        Assert.Contains((await AiHttp.JsonAsync(datasets)).GetProperty("data").EnumerateArray(), d => d.Str("id") == datasetId);
        Assert.Equal(2, (await AiHttp.JsonAsync(next)).GetProperty("document").GetProperty("position").GetInt32());
        Assert.DoesNotContain(KnowledgeHttp.Key, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
    }
}
