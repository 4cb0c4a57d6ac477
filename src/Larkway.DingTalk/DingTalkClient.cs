using System.Diagnostics.Metrics;
using Larkway.DingTalk.Http;
using Larkway.DingTalk.Users;
using Microsoft.Extensions.Logging;

namespace Larkway.DingTalk;

/// <summary>
/// The client of one DingTalk app. Domain clients hang off it (<see cref="Users"/>); all of them share the app's two
/// token caches, retries, logging and telemetry. Thread-safe; keep one per app.
/// </summary>
/// <example>
/// <code>
/// using var client = new DingTalkClient(new DingTalkAppOptions { AppKey = "ding…", AppSecret = "…" });
/// var user = await client.Users.GetAsync("manager4220");
/// </code>
/// </example>
public class DingTalkClient : IDisposable
{
    private readonly DingTalkPipeline _pipeline = null!;
    private readonly Lazy<DingTalkUsersClient> _users = null!;
    private readonly Lazy<Departments.DingTalkDepartmentsClient> _departments = null!;
    private readonly Lazy<Robots.DingTalkAppRobotClient> _robot = null!;
    private readonly Lazy<WorkNotifications.DingTalkWorkNotificationsClient> _work = null!;
    private readonly Lazy<Cards.DingTalkCardsClient> _cards = null!;
    private readonly Lazy<SignIn.DingTalkSignInClient> _signIn = null!;
    private readonly Lazy<Workflow.DingTalkWorkflowClient> _workflow = null!;

    /// <summary>A client. The options are checked now and copied. <paramref name="handler"/> replaces the network and is not disposed.</summary>
    /// <exception cref="DingTalkApiException">AppKey or AppSecret is missing (<see cref="DingTalkErrorCodes.InvalidRequest"/>).</exception>
    /// <exception cref="ArgumentException">Another option is invalid.</exception>
    public DingTalkClient(DingTalkAppOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, HttpMessageHandler? handler = null)
        : this("default", options, loggerFactory, timeProvider, meterFactory: null, handler)
    {
    }

    /// <summary>A client named <paramref name="name"/> in logs, recording on <paramref name="meterFactory"/>'s meters.</summary>
    /// <exception cref="DingTalkApiException">AppKey or AppSecret is missing (<see cref="DingTalkErrorCodes.InvalidRequest"/>).</exception>
    /// <exception cref="ArgumentException">Another option is invalid.</exception>
    public DingTalkClient(string name, DingTalkAppOptions options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, IMeterFactory? meterFactory, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        _pipeline = new DingTalkPipeline(name, options.Clone(), loggerFactory, timeProvider, meterFactory, handler);
        _users = new Lazy<DingTalkUsersClient>(() => new DingTalkUsersClient(_pipeline));
        _departments = new Lazy<Departments.DingTalkDepartmentsClient>(() => new Departments.DingTalkDepartmentsClient(_pipeline));
        _robot = new Lazy<Robots.DingTalkAppRobotClient>(() => new Robots.DingTalkAppRobotClient(_pipeline));
        _work = new Lazy<WorkNotifications.DingTalkWorkNotificationsClient>(() => new WorkNotifications.DingTalkWorkNotificationsClient(_pipeline));
        _cards = new Lazy<Cards.DingTalkCardsClient>(() => new Cards.DingTalkCardsClient(_pipeline));
        _signIn = new Lazy<SignIn.DingTalkSignInClient>(() => new SignIn.DingTalkSignInClient(_pipeline));
        _workflow = new Lazy<Workflow.DingTalkWorkflowClient>(() => new Workflow.DingTalkWorkflowClient(_pipeline));
    }

    /// <summary>For mocking.</summary>
    protected DingTalkClient()
    {
    }

    /// <summary>The app this client calls as.</summary>
    public virtual string AppKey => _pipeline.Options.AppKey;

    /// <summary>The app's robot: one-to-one and group sends, recalls.</summary>
    public virtual Robots.DingTalkAppRobotClient Robot => _robot.Value;

    /// <summary>Work notifications sent as the app (needs <see cref="DingTalkAppOptions.AgentId"/>).</summary>
    public virtual WorkNotifications.DingTalkWorkNotificationsClient WorkNotifications => _work.Value;

    /// <summary>Interactive cards: create and deliver, update in place, AI cards streamed.</summary>
    public virtual Cards.DingTalkCardsClient Cards => _cards.Value;

    /// <summary>Signing the organisation's people in with DingTalk (OAuth 2.0 login) and reading who signed in.</summary>
    public virtual SignIn.DingTalkSignInClient SignIn => _signIn.Value;

    /// <summary>OA approvals: start, read, approve or refuse, terminate, comment, list, read a template's form.</summary>
    public virtual Workflow.DingTalkWorkflowClient Workflow => _workflow.Value;

    /// <summary>The organisation's members.</summary>
    public virtual DingTalkUsersClient Users => _users.Value;

    /// <summary>The organisation's departments and the app's contact scope.</summary>
    public virtual Departments.DingTalkDepartmentsClient Departments => _departments.Value;

    /// <summary>
    /// The app's new-API access token (<c>x-acs-dingtalk-access-token</c>), cached and refreshed early, for a call this
    /// library does not cover yet. Do not store it: ask again for each call.
    /// </summary>
    public virtual Task<string> GetAccessTokenAsync(CancellationToken cancellationToken = default) => _pipeline.GetTokenAsync(DingTalkHost.Api, cancellationToken);

    /// <summary>The app's old-API access token (<c>access_token</c> on <c>oapi.dingtalk.com</c>), cached like <see cref="GetAccessTokenAsync"/>.</summary>
    public virtual Task<string> GetOldApiAccessTokenAsync(CancellationToken cancellationToken = default) => _pipeline.GetTokenAsync(DingTalkHost.Oapi, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the HTTP client.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _pipeline?.Dispose();
        }
    }
}
