using Larkway.Feishu;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Bot;

/// <summary>GET /open-apis/bot/v3/info: the bot's identity, which the Hub needs to recognise its own @-mentions.</summary>
public sealed class BotInfoTests(ClientFixture fx) : IClassFixture<ClientFixture>
{
    [Fact]
    public async Task The_bot_info_names_the_apps_bot_and_its_open_id()
    {
        var info = await fx.Client.Bot.GetInfoAsync();

        var app = fx.State.FindApp(fx.Client.AppId)!;
        Assert.Equal(app.BotOpenId, info.OpenId);
        Assert.Equal(app.BotName, info.AppName);
        Assert.True(info.IsActivated);
    }

    [Fact]
    public async Task Wrong_credentials_surface_as_a_FeishuApiException()
    {
        using var client = new FeishuClient(new FeishuAppOptions { AppId = fx.Client.AppId, AppSecret = "wrong-secret", BaseUrl = fx.Client.BaseUrl });

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Bot.GetInfoAsync());

        Assert.NotEqual(0, ex.Code);
    }
}
