using Larkway.Feishu;
using Larkway.Feishu.Im;
using Larkway.Integration.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using F = Larkway.Integration.Tests.Infrastructure.SeededEmulatorFixture;

namespace Larkway.Integration.Tests.Hosting;

/// <summary><c>services.AddFeishu()</c> bound from configuration that points at the Emulator.</summary>
public sealed class DependencyInjectionTests(SeededEmulatorFixture fx) : IClassFixture<SeededEmulatorFixture>
{
    private ServiceProvider BuildProvider()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Feishu:AppId"] = fx.AppId,
            ["Feishu:AppSecret"] = fx.Options.AppSecret,
            ["Feishu:BaseUrl"] = fx.BaseUrl.ToString(),
            ["Feishu:Apps:ops:AppId"] = F.SecondAppId,
            ["Feishu:Apps:ops:AppSecret"] = F.SecondAppSecret,
            ["Feishu:Apps:ops:BaseUrl"] = fx.BaseUrl.ToString(),
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddFeishu().AddApp("ops");
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Fact]
    public async Task The_default_client_resolves_from_configuration_and_works()
    {
        await using var provider = BuildProvider();

        var client = provider.GetRequiredService<FeishuClient>();
        var sent = await client.Im.Messages.SendAsync(ReceiveId.Chat(fx.Ops.ChatId), MessageContent.Text("hello from DI"));

        Assert.Equal(fx.AppId, client.AppId);
        Assert.Equal(fx.BaseUrl, client.BaseUrl);
        Assert.Equal(fx.AppId, sent.Sender?.Id);
        Assert.Contains(fx.State.MessagesIn(fx.Ops.ChatId), m => m.MessageId == sent.MessageId);
        Assert.Same(client, provider.GetRequiredService<IFeishuClientFactory>().GetClient(""));
    }

    [Fact]
    public async Task A_named_app_resolves_through_the_factory_and_calls_as_itself()
    {
        await using var provider = BuildProvider();

        var ops = provider.GetRequiredService<IFeishuClientFactory>().GetClient("ops");
        var sent = await ops.Im.Messages.SendAsync(ReceiveId.Chat(fx.Chat(F.SecondOnlyRoom).ChatId), MessageContent.Text("hello from the ops app"));

        Assert.Equal(F.SecondAppId, ops.AppId);
        Assert.Equal(F.SecondAppId, sent.Sender?.Id);
    }

    [Fact]
    public async Task A_wrong_secret_in_configuration_surfaces_the_platforms_code()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Feishu:AppId"] = fx.AppId,
            ["Feishu:AppSecret"] = "a-secret-that-is-not-the-apps-0000",
            ["Feishu:BaseUrl"] = fx.BaseUrl.ToString(),
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddFeishu();
        await using var provider = services.BuildServiceProvider();

        var error = await Assert.ThrowsAsync<FeishuApiException>(() => provider.GetRequiredService<FeishuClient>().Im.Chats.GetAsync(fx.Ops.ChatId));

        Assert.Equal(FeishuErrorCodes.WrongAppSecret, error.Code);
    }
}
