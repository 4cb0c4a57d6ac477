using Larkway.Emulator.DingTalk.Api;
using Larkway.Emulator.DingTalk.Control;
using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.DingTalk.Robots;
using Larkway.Emulator.DingTalk.State;
using Larkway.Emulator.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Emulator.DingTalk;

/// <summary>The DingTalk emulator's composition: its services, its gate (after routing) and its routes.</summary>
internal static class DingTalkEmulator
{
    public static void AddDingTalk(this IServiceCollection services, EmulatorOptions options)
    {
        services.AddSingleton(_ => new DingTalkOrg(options));
        services.AddSingleton(_ => new DingTalkTokens(options.TimeProvider, options));
        services.AddSingleton<DingTalkFaults>();
        services.AddSingleton(_ => new RobotStore(options.TimeProvider));
        services.AddSingleton(_ => new RobotThrottle(options.TimeProvider, options));
    }

    /// <summary>Must run after UseRouting: the gate reads the matched endpoint's <see cref="DingTalkApi"/> metadata.</summary>
    public static void UseDingTalkGate(this WebApplication app) => app.UseMiddleware<DingTalkGateMiddleware>();

    public static void MapDingTalk(this WebApplication app)
    {
        app.MapDingTalkTokenEndpoints();
        app.MapDingTalkContactEndpoints();
        app.MapDingTalkRobotWebhook();
        app.MapDingTalkControlEndpoints();
    }
}
