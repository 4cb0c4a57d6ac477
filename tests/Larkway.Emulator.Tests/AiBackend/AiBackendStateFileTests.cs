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
}
