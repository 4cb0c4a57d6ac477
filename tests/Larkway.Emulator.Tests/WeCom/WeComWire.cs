using System.Text;
using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.WeCom;

/// <summary>Raw WeCom wire calls against a test emulator (qyapi lives under /wecom).</summary>
internal static class WeComWire
{
    public static async Task<Reply> WeComGetAsync(this TestEmulator emulator, string pathAndQuery) =>
        await Reply.ReadAsync(await emulator.Http.GetAsync(pathAndQuery));

    public static async Task<Reply> WeComPostAsync(this TestEmulator emulator, string pathAndQuery, object body) =>
        await emulator.WeComPostRawAsync(pathAndQuery, JsonSerializer.Serialize(body));

    public static async Task<Reply> WeComPostRawAsync(this TestEmulator emulator, string pathAndQuery, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await Reply.ReadAsync(await emulator.Http.PostAsync(pathAndQuery, content));
    }

    public static async Task<string> WeComTokenAsync(this TestEmulator emulator)
    {
        using var reply = await emulator.WeComGetAsync($"/wecom/cgi-bin/gettoken?corpid={emulator.Options.WeComCorpId}&corpsecret={emulator.Options.WeComAppSecret}");
        Assert.Equal(0, reply.ErrCode());
        return reply.Json.GetProperty("access_token").GetString()!;
    }

    /// <summary>POST message/send with a fresh token; <paramref name="body"/> gets agentid unless it has one.</summary>
    public static async Task<Reply> SendAppMessageAsync(this TestEmulator emulator, string token, Dictionary<string, object?> body)
    {
        body.TryAdd("agentid", emulator.Options.WeComAgentId);
        return await emulator.WeComPostAsync($"/wecom/cgi-bin/message/send?access_token={token}", body);
    }

    public static int ErrCode(this Reply reply) => reply.Json.GetProperty("errcode").GetInt32();

    public static string ErrMsg(this Reply reply) => reply.Json.GetProperty("errmsg").GetString()!;

    public static string? Field(this Reply reply, string name) =>
        reply.Json.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText() : null;
}
