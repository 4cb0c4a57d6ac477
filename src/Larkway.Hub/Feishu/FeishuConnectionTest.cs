using Larkway.Feishu;
using Larkway.Hub.Apps;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Feishu;

/// <summary>"Test connection" for a Feishu or Lark app: a tenant token fetched with its credentials, then its bot read (<see cref="HubAppConnectionTest"/>).</summary>
internal sealed class FeishuConnectionTest(ILoggerFactory loggerFactory, TimeProvider time) : IPlatformConnectionTest
{
    /// <inheritdoc />
    public Task<HubAppTestResult> RunAsync(StoredApp app, CancellationToken cancellationToken) => HubAppConnectionTest.RunAsync(
        new FeishuAppOptions { AppId = app.AppId, AppSecret = app.AppSecret, BaseUrl = app.BaseUrl }, loggerFactory, time, cancellationToken);
}
