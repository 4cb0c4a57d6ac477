using System.Text;
using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.DingTalk;

/// <summary>Raw DingTalk wire calls against a test emulator (both hosts live under /dingtalk).</summary>
internal static class DingTalkWire
{
    public const string TokenHeader = "x-acs-dingtalk-access-token";

    public static Task<Reply> SendDingTalkAsync(this TestEmulator emulator, HttpMethod method, string path, string? json, string? apiToken = null) =>
        emulator.Http.SendDingTalkAsync(method, path, json, apiToken);

    /// <summary>The same call through another client, e.g. one on the DingTalk API host.</summary>
    public static async Task<Reply> SendDingTalkAsync(this HttpClient http, HttpMethod method, string path, string? json, string? apiToken = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (apiToken is not null)
        {
            request.Headers.TryAddWithoutValidation(TokenHeader, apiToken);
        }

        return await Reply.ReadAsync(await http.SendAsync(request));
    }

    public static Task<Reply> PostDingTalkAsync(this TestEmulator emulator, string path, object body, string? apiToken = null) =>
        emulator.SendDingTalkAsync(HttpMethod.Post, path, JsonSerializer.Serialize(body), apiToken);

    public static async Task<string> ApiTokenAsync(this TestEmulator emulator)
    {
        using var reply = await emulator.PostDingTalkAsync("/dingtalk/v1.0/oauth2/accessToken", new { appKey = emulator.Options.DingTalkAppKey, appSecret = emulator.Options.DingTalkAppSecret });
        Assert.Equal(200, reply.Status);
        return reply.Json.GetProperty("accessToken").GetString()!;
    }

    public static async Task<string> OapiTokenAsync(this TestEmulator emulator)
    {
        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Get, $"/dingtalk/gettoken?appkey={emulator.Options.DingTalkAppKey}&appsecret={emulator.Options.DingTalkAppSecret}", null);
        Assert.Equal(0, reply.Json.GetProperty("errcode").GetInt32());
        return reply.Json.GetProperty("access_token").GetString()!;
    }

    public static int ErrCode(this Reply reply) => reply.Json.GetProperty("errcode").GetInt32();

    public static string ErrMsg(this Reply reply) => reply.Json.GetProperty("errmsg").GetString()!;

    public static string ApiCode(this Reply reply) => reply.Json.GetProperty("code").GetString()!;
}
