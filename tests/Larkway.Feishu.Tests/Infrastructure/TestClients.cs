using Microsoft.Extensions.Logging;

namespace Larkway.Feishu.Tests.Infrastructure;

/// <summary>Clients over a stub network, with retries that do not wait.</summary>
public static class TestClients
{
    public const string AppId = "cli_test";
    public const string AppSecret = "s3cr3t-app-secret";
    public static readonly Uri BaseUrl = new("http://feishu.test");

    public static FeishuAppOptions Options(Action<FeishuAppOptions>? configure = null)
    {
        var options = new FeishuAppOptions { AppId = AppId, AppSecret = AppSecret, BaseUrl = BaseUrl };
        options.Retry.BaseDelay = TimeSpan.Zero;
        options.Retry.UseJitter = false;
        configure?.Invoke(options);
        return options;
    }

    public static FeishuClient Create(StubHandler stub, Action<FeishuAppOptions>? configure = null, TimeProvider? time = null, ILoggerFactory? loggerFactory = null) =>
        new(Options(configure), loggerFactory, time, stub);
}
