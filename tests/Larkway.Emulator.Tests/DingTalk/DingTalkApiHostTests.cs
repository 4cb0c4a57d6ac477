using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.DingTalk;

/// <summary>
/// The DingTalk API host (<see cref="EmulatorOptions.DingTalkApiPort"/>): DingTalk's paths at the root of their own
/// listener, as api.dingtalk.com and oapi.dingtalk.com serve them, while <c>/dingtalk/…</c> keeps working on the main one.
/// </summary>
public sealed class DingTalkApiHostTests
{
    [Fact]
    public async Task The_api_host_serves_the_new_and_old_api_at_its_root_and_the_dingtalk_prefix_keeps_working()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.DingTalkApiPort = 0);
        var apiHost = emulator.Server.DingTalkApiBaseUrl;
        Assert.NotNull(apiHost);
        Assert.Equal("/", apiHost.AbsolutePath);
        Assert.NotEqual(emulator.Server.BaseUrl.Port, apiHost.Port);
        using var http = new HttpClient { BaseAddress = apiHost };

        using var atRoot = await http.SendDingTalkAsync(HttpMethod.Post, "/v1.0/oauth2/accessToken", Credentials(emulator));
        using var prefixed = await emulator.SendDingTalkAsync(HttpMethod.Post, "/dingtalk/v1.0/oauth2/accessToken", Credentials(emulator));
        using var oapi = await http.SendDingTalkAsync(HttpMethod.Get, $"/gettoken?appkey={emulator.Options.DingTalkAppKey}&appsecret={emulator.Options.DingTalkAppSecret}", null);

        Assert.Equal(200, atRoot.Status);
        var token = atRoot.Json.GetProperty("accessToken").GetString();
        Assert.Matches("^[0-9a-f]{32}$", token);
        Assert.Equal(200, prefixed.Status);
        Assert.Equal(token, prefixed.Json.GetProperty("accessToken").GetString());
        Assert.Equal(0, oapi.ErrCode());
        Assert.Equal(token, oapi.Json.GetProperty("access_token").GetString());

        // Both hosts' calls are the same operations, counted once each.
        Assert.Equal(2, emulator.Server.CallCounts["POST /dingtalk/v1.0/oauth2/accessToken"]);
        Assert.Equal(1, emulator.Server.CallCounts["GET /dingtalk/gettoken"]);
    }

    [Fact]
    public async Task The_api_host_authenticates_and_refuses_in_dingtalks_shapes()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.DingTalkApiPort = 0);
        using var http = new HttpClient { BaseAddress = emulator.Server.DingTalkApiBaseUrl };
        var token = await emulator.ApiTokenAsync();

        using var users = await http.SendDingTalkAsync(HttpMethod.Post, "/topapi/v2/user/get?access_token=" + await emulator.OapiTokenAsync(), """{"userid":"alice"}""");
        using var noToken = await http.SendDingTalkAsync(HttpMethod.Get, "/v1.0/workflow/processInstances?processInstanceId=nope", null);
        using var unknownInstance = await http.SendDingTalkAsync(HttpMethod.Get, "/v1.0/workflow/processInstances?processInstanceId=nope", null, token);
        using var unknownPath = await http.SendDingTalkAsync(HttpMethod.Get, "/v1.0/nothing/here", null, token);

        Assert.Equal(0, users.ErrCode());
        Assert.Equal("alice", users.Json.GetProperty("result").GetProperty("userid").GetString());
        Assert.Equal((400, "InvalidAuthentication"), (noToken.Status, noToken.ApiCode()));
        Assert.Equal(400, unknownInstance.Status);
        Assert.NotEqual("InvalidAuthentication", unknownInstance.ApiCode());
        Assert.Equal(404, unknownPath.Status);
        Assert.False(string.IsNullOrEmpty(unknownPath.ApiCode()));
    }

    [Fact]
    public async Task Without_the_option_there_is_no_api_host_and_the_main_listener_keeps_dingtalk_under_its_prefix()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var atRoot = await emulator.Http.SendDingTalkAsync(HttpMethod.Post, "/v1.0/oauth2/accessToken", Credentials(emulator));

        Assert.Null(emulator.Server.DingTalkApiBaseUrl);
        Assert.Equal(404, atRoot.Status);
        Assert.False(emulator.Server.CallCounts.ContainsKey("POST /dingtalk/v1.0/oauth2/accessToken"));
    }

    [Fact]
    public async Task With_the_api_host_on_the_main_listener_still_serves_nothing_of_dingtalk_at_its_root()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.DingTalkApiPort = 0);

        using var atRoot = await emulator.Http.SendDingTalkAsync(HttpMethod.Post, "/v1.0/oauth2/accessToken", Credentials(emulator));

        Assert.Equal(404, atRoot.Status);
        Assert.False(emulator.Server.CallCounts.ContainsKey("POST /dingtalk/v1.0/oauth2/accessToken"));
    }

    [Fact]
    public async Task The_api_host_is_found_beside_the_tls_listener()
    {
        var folder = Directory.CreateTempSubdirectory("larkway-emulator-dingtalk-api-").FullName;
        try
        {
            await using var emulator = await TestEmulator.StartAsync(o =>
            {
                o.HttpsPort = 0;
                o.TlsFolder = folder;
                o.DingTalkApiPort = 0;
            });
            using var http = new HttpClient { BaseAddress = emulator.Server.DingTalkApiBaseUrl };

            using var atRoot = await http.SendDingTalkAsync(HttpMethod.Post, "/v1.0/oauth2/accessToken", Credentials(emulator));

            Assert.NotEqual(emulator.Server.HttpsBaseUrl!.Port, emulator.Server.DingTalkApiBaseUrl!.Port);
            Assert.Equal(200, atRoot.Status);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Credentials(TestEmulator emulator) =>
        JsonSerializer.Serialize(new { appKey = emulator.Options.DingTalkAppKey, appSecret = emulator.Options.DingTalkAppSecret });
}
