using Larkway.Feishu.Events.Dispatch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Feishu;

/// <summary>One <c>AddHubStoredAppDispatcher</c> call: handlers for every Feishu app without registrations of its own (the apps added at run time).</summary>
internal sealed record FeishuStoredAppDispatcherRegistration(Action<IServiceProvider, string, FeishuEventDispatcher> Configure);

/// <summary>
/// The event dispatch of the Feishu apps added at run time: one <see cref="FeishuEventDispatcher"/> per app, built from
/// every <see cref="FeishuStoredAppDispatcherRegistration"/> and offered as the keyed dispatcher of any app name, which
/// the inbox asks for when an app has no registrations of its own. A name registered under its own key still wins.
/// </summary>
internal static class FeishuStoredAppDispatch
{
    public static FeishuEventDispatcher Build(IServiceProvider services, string appName)
    {
        var dispatcher = new FeishuEventDispatcher(services.GetService<ILogger<FeishuEventDispatcher>>());
        foreach (var registration in services.GetServices<FeishuStoredAppDispatcherRegistration>())
        {
            registration.Configure(services, appName, dispatcher);
        }

        return dispatcher;
    }
}
