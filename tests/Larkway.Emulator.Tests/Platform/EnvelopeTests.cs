using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Platform;

public sealed class EnvelopeTests
{
    [Fact]
    public async Task Unknown_open_api_path_is_a_404_envelope()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var reply = await emulator.GetAsync("/open-apis/im/v1/nothing-here", token);

        Assert.Equal(404, reply.Status);
        Assert.Equal(99991201, reply.Code);
        Assert.Equal("application/json; charset=utf-8", reply.Response.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task Every_reply_has_a_unique_log_id()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var first = await emulator.GetAsync("/open-apis/im/v1/chats", token);
        using var second = await emulator.GetAsync("/open-apis/im/v1/chats", token);

        Assert.False(string.IsNullOrEmpty(first.Header("X-Tt-Logid")));
        Assert.NotEqual(first.Header("X-Tt-Logid"), second.Header("X-Tt-Logid"));
        Assert.Equal(0, first.Code);
        Assert.Equal("success", first.Msg);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"receive_id\": 42, \"msg_type\": \"text\", \"content\": \"{}\"}")]
    [InlineData("{\"receive_id\": \"oc_x\", \"msg_type\": \"text\", \"content\": {\"text\": \"object, not string\"}}")]
    public async Task Malformed_bodies_are_400_envelopes_never_500(string body)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var reply = await emulator.SendAsync(HttpMethod.Post, "/open-apis/im/v1/messages?receive_id_type=chat_id", body, token);

        Assert.Equal(400, reply.Status);
        Assert.Equal(230001, reply.Code);
        Assert.Contains("invalid request", reply.Msg, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_method_on_a_known_path_is_an_envelope()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var reply = await emulator.SendAsync(HttpMethod.Patch, "/open-apis/im/v1/chats", "{}", token);

        Assert.Equal(405, reply.Status);
        Assert.Equal(99991301, reply.Code);
    }

    [Fact]
    public async Task State_dump_has_no_secrets()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var reply = await emulator.GetAsync("/_emulator/state", null);

        Assert.Equal(0, reply.Code);
        Assert.Equal(4, reply.Data.GetProperty("users").GetArrayLength());
        Assert.DoesNotContain(emulator.Options.AppSecret, reply.Text, StringComparison.Ordinal);
    }
}
