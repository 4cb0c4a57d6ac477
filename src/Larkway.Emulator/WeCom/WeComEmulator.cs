using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;
using Larkway.Emulator.WeCom.Api;
using Larkway.Emulator.WeCom.Approvals;
using Larkway.Emulator.WeCom.Callbacks;
using Larkway.Emulator.WeCom.Control;
using Larkway.Emulator.WeCom.Media;
using Larkway.Emulator.WeCom.Messages;
using Larkway.Emulator.WeCom.Platform;
using Larkway.Emulator.WeCom.Robot;
using Larkway.Emulator.WeCom.SignIn;
using Larkway.Emulator.WeCom.State;
using Larkway.Emulator.WeCom.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Emulator.WeCom;

/// <summary>What the state file writer takes from WeCom: one snapshot of its tokens, messages, media and callback.</summary>
internal sealed class WeComPersistence(WeComTokens tokens, AppMessageStore messages, RobotStore robots, MediaStore media, WeComCallbackSettingsStore callback, AiBot.AiBotConversations aiBot, AiBot.AiBotUrlCallbackStore aiBotCallbacks, ApprovalStore approvals, CustomerService.KfStore customerService)
{
    public WeComSnapshot Export()
    {
        var (sent, codes, inbound) = messages.Export();
        var (conversations, aiBotMessages) = aiBot.Export();
        var (aiBotSettings, aiBotCodes) = aiBotCallbacks.Export();
        return new WeComSnapshot(tokens.Export(), sent, codes, inbound, robots.Export(), media.Export(), callback.Current, conversations, aiBotMessages, aiBotSettings, aiBotCodes, approvals.Export(), customerService.Export());
    }
}

/// <summary>
/// The WeCom emulator's composition: its services, its gate (after routing) and its routes. The API lives under
/// <c>/wecom/cgi-bin/…</c>, the people's view under <c>/wecom-chat</c>, test control under <c>/_emulator/wecom</c>.
/// </summary>
internal static class WeComEmulator
{
    public static void AddWeCom(this IServiceCollection services, EmulatorOptions options)
    {
        services.AddSingleton(_ => new WeComOrg(options));
        services.AddSingleton(sp =>
        {
            var tokens = new WeComTokens(options.TimeProvider, options, sp.GetRequiredService<StateRevision>());
            tokens.Restore(Snapshot(sp)?.Tokens ?? []);
            return tokens;
        });
        services.AddSingleton<WeComFaults>();
        services.AddSingleton(sp =>
        {
            var store = new AppMessageStore(options.TimeProvider, sp.GetRequiredService<StateRevision>());
            var snapshot = Snapshot(sp);
            store.Restore(snapshot?.AppMessages ?? [], snapshot?.ResponseCodes ?? [], snapshot?.Inbound ?? []);
            return store;
        });
        services.AddSingleton(sp =>
        {
            var store = new RobotStore(sp.GetRequiredService<StateRevision>());
            store.Restore(Snapshot(sp)?.RobotMessages ?? []);
            return store;
        });
        services.AddSingleton(sp =>
        {
            var store = new MediaStore(options.TimeProvider, sp.GetRequiredService<StateRevision>());
            store.Restore(Snapshot(sp)?.Media ?? []);
            return store;
        });
        services.AddSingleton(sp =>
        {
            var store = new WeComCallbackSettingsStore(sp.GetRequiredService<StateRevision>());
            var snapshot = sp.GetRequiredService<StateLoad>().Snapshot;
            store.Restore(snapshot is not null ? snapshot.WeCom?.Callback
                : options.WeComCallbackUrl is { } url ? new WeComCallbackSettings(url, false, options.TimeProvider.GetUtcNow()) : null);
            return store;
        });
        services.AddSingleton(_ => new AppMessageFlowControl(options.TimeProvider, options));
        services.AddSingleton(_ => new RobotThrottle(options.TimeProvider, options));
        services.AddSingleton<WeComCallbackSender>();
        services.AddSingleton(sp =>
        {
            var store = new ApprovalStore(options.TimeProvider, sp.GetRequiredService<StateRevision>());
            store.Restore(Snapshot(sp)?.Approvals ?? []);
            return store;
        });
        services.AddSingleton<ApprovalDecisions>();
        services.AddSingleton(sp =>
        {
            var store = new CustomerService.KfStore(options.TimeProvider, sp.GetRequiredService<StateRevision>());
            store.Restore(Snapshot(sp)?.CustomerService);
            return store;
        });
        services.AddSingleton<CustomerService.KfSignals>();
        services.AddSingleton<IWeComPageSection, ApprovalPageSection>();
        services.AddSingleton<MemberActions>();
        services.AddSingleton<WeComPersistence>();
        services.AddSingleton(_ => new SignIn.WeComSignIns(options.TimeProvider));
    }

    /// <summary>Must run after UseRouting: the gate reads the matched endpoint's <see cref="WeComApi"/> metadata.</summary>
    public static void UseWeComGate(this WebApplication app) => app.UseMiddleware<WeComGateMiddleware>();

    public static void MapWeCom(this WebApplication app)
    {
        app.MapWeComTokenEndpoints();
        app.MapWeComUserEndpoints();
        app.MapWeComDepartmentEndpoints();
        app.MapWeComAgentEndpoints();
        app.MapWeComApprovalEndpoints();
        CustomerService.KfEndpoints.MapWeComKfEndpoints(app);
        CustomerService.KfPages.MapWeComKfPages(app);
        app.MapWeComApprovalPages();
        app.MapAppMessageEndpoints();
        app.MapWeComMediaEndpoints();
        app.MapGroupRobotEndpoints();
        app.MapWeComControlEndpoints();
        app.MapWeComChatPages();
        app.MapWeComLogin();
    }

    private static WeComSnapshot? Snapshot(IServiceProvider services) => services.GetRequiredService<StateLoad>().Snapshot?.WeCom;
}
