using Larkway.Emulator.DingTalk.Api;
using Larkway.Emulator.DingTalk.AppRobot;
using Larkway.Emulator.DingTalk.Callbacks;
using Larkway.Emulator.DingTalk.Cards;
using Larkway.Emulator.DingTalk.Chat;
using Larkway.Emulator.DingTalk.Control;
using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.DingTalk.Robots;
using Larkway.Emulator.DingTalk.SignIn;
using Larkway.Emulator.DingTalk.State;
using Larkway.Emulator.DingTalk.Stream;
using Larkway.Emulator.DingTalk.Web;
using Larkway.Emulator.DingTalk.Workflow;
using Larkway.Emulator.DingTalk.WorkNotifications;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Emulator.DingTalk;

/// <summary>What the state file writer takes from DingTalk: one snapshot of its tokens and robots.</summary>
internal sealed class DingTalkPersistence(DingTalkTokens tokens, RobotStore robots, AppRobotStore appRobot, WorkNotificationStore notifications, CardStore cards, UserMessageStore userMessages, RobotSessions sessions, CallbackSettingsStore callbacks, WorkflowStore workflow)
{
    public DingTalkSnapshot Export()
    {
        var (tasks, received) = notifications.Export();
        var (open, replies) = sessions.Export();
        return robots.Export(tokens.Export()) with
        {
            AppRobotMessages = appRobot.Export(), WorkNotificationTasks = tasks, WorkNotifications = received, Cards = cards.Export(),
            UserMessages = userMessages.Export(), RobotSessions = open, SessionReplies = replies, Callbacks = callbacks.Export(),
            WorkflowInstances = workflow.Export(),
        };
    }
}

/// <summary>The DingTalk emulator's composition: its services, its gate (after routing) and its routes.</summary>
internal static class DingTalkEmulator
{
    public static void AddDingTalk(this IServiceCollection services, EmulatorOptions options)
    {
        services.AddSingleton(_ => new DingTalkOrg(options));

        // Registered before the Stream services, so that the org's apps open Stream connections too.
        services.AddSingleton<Stream.IDingTalkStreamApps>(sp =>
            new DingTalkOrgStreamApps(sp.GetRequiredService<DingTalkOrg>(), new Stream.DefaultDingTalkStreamApps(options.DingTalkStream)));
        services.AddSingleton(sp =>
        {
            var tokens = new DingTalkTokens(options.TimeProvider, options, sp.GetRequiredService<StateRevision>());
            tokens.Restore(sp.GetRequiredService<StateLoad>().Snapshot?.DingTalk?.Tokens ?? []);
            return tokens;
        });
        services.AddSingleton<DingTalkFaults>();
        services.AddSingleton(sp =>
        {
            var robots = new RobotStore(options.TimeProvider, sp.GetRequiredService<StateRevision>());
            if (sp.GetRequiredService<StateLoad>().Snapshot?.DingTalk is { } snapshot)
            {
                robots.Restore(snapshot);
            }

            return robots;
        });
        services.AddSingleton(sp =>
        {
            var store = new AppRobotStore(sp.GetRequiredService<StateRevision>());
            store.Restore(sp.GetRequiredService<StateLoad>().Snapshot?.DingTalk?.AppRobotMessages ?? []);
            return store;
        });
        services.AddSingleton(_ => new AppRobotFlowControl(options.TimeProvider, options));
        services.AddSingleton(_ => new RobotMessageFiles(options.TimeProvider));
        services.AddSingleton(sp =>
        {
            var store = new WorkNotificationStore(options, sp.GetRequiredService<StateRevision>());
            var snapshot = sp.GetRequiredService<StateLoad>().Snapshot?.DingTalk;
            store.Restore(snapshot?.WorkNotificationTasks ?? [], snapshot?.WorkNotifications ?? []);
            return store;
        });
        services.AddSingleton(sp =>
        {
            var store = new CardStore(sp.GetRequiredService<StateRevision>());
            store.Restore(sp.GetRequiredService<StateLoad>().Snapshot?.DingTalk?.Cards ?? []);
            return store;
        });
        services.AddSingleton(_ => new CardStreamingLimiter(options.TimeProvider, options));
        services.AddSingleton(sp =>
        {
            var store = new UserMessageStore(sp.GetRequiredService<StateRevision>());
            store.Restore(sp.GetRequiredService<StateLoad>().Snapshot?.DingTalk?.UserMessages ?? []);
            return store;
        });

        // Registered before the Stream services so that theirs (in memory only) is not used: sessions survive a restart.
        services.AddSingleton(sp =>
        {
            var revision = sp.GetRequiredService<StateRevision>();
            var sessions = new RobotSessions(options.DingTalkStream, options.TimeProvider, revision.Advance);
            var snapshot = sp.GetRequiredService<StateLoad>().Snapshot?.DingTalk;
            sessions.Restore(snapshot?.RobotSessions ?? [], snapshot?.SessionReplies ?? []);
            return sessions;
        });
        services.AddSingleton(sp =>
        {
            var store = new CallbackSettingsStore(sp.GetRequiredService<StateRevision>());
            store.Restore(sp.GetRequiredService<StateLoad>().Snapshot?.DingTalk?.Callbacks ?? []);
            return store;
        });
        services.AddSingleton(_ => new CallbackSender(options));
        services.AddSingleton<InboundRobotMessages>();
        services.AddSingleton(sp =>
        {
            var store = new WorkflowStore(options.TimeProvider, sp.GetRequiredService<StateRevision>(), sp.GetRequiredService<DingTalkOrg>());
            store.Restore(sp.GetRequiredService<StateLoad>().Snapshot?.DingTalk?.WorkflowInstances ?? []);
            return store;
        });
        services.AddSingleton<WorkflowEvents>();
        services.AddSingleton<Control.DingTalkContactControl.Sender>();
        services.AddSingleton<ChatTimeline>();
        services.AddSingleton(sp => new CardClicks(sp.GetRequiredService<DingTalkStreamHub>(), sp.GetRequiredService<CardStore>(), options, options.TimeProvider));
        services.AddSingleton<DingTalkPersistence>();
        services.AddSingleton(_ => new RobotThrottle(options.TimeProvider, options));
        services.AddSingleton(_ => new SignIn.DingTalkSignIns(options.TimeProvider));
    }

    /// <summary>
    /// Must run before UseRouting: a request on the DingTalk API host (<see cref="Hosting.EmulatorOptions.DingTalkApiPort"/>)
    /// is matched by its DingTalk route's path. Without that listener, nothing is added.
    /// </summary>
    public static void UseDingTalkApiHost(this WebApplication app)
    {
        if (app.Services.GetService<DingTalkApiHost>() is not null)
        {
            app.UseMiddleware<DingTalkApiHostMiddleware>();
        }
    }

    /// <summary>Must run after UseRouting: the gate reads the matched endpoint's <see cref="DingTalkApi"/> metadata.</summary>
    public static void UseDingTalkGate(this WebApplication app) => app.UseMiddleware<DingTalkGateMiddleware>();

    public static void MapDingTalk(this WebApplication app)
    {
        app.MapDingTalkTokenEndpoints();
        app.MapDingTalkContactEndpoints();
        app.MapDingTalkUserEndpoints();
        app.MapDingTalkDepartmentEndpoints();
        app.MapDingTalkSignIn();
        app.MapDingTalkLoginPage();
        app.MapDingTalkRobotWebhook();
        app.MapDingTalkAppRobot();
        app.MapDingTalkMessageFiles();
        app.MapDingTalkWorkNotifications();
        app.MapDingTalkCards();
        app.MapDingTalkWorkflow();
        app.MapDingTalkApprovalPages();
        app.MapDingTalkControlEndpoints();
        app.MapDingTalkCallbackControl();
        app.MapDingTalkContactControl();
        app.MapDingTalkPages();
        app.MapDingTalkChatPages();
    }
}
