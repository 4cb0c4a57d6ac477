using System.Diagnostics.Metrics;
using Larkway.WeCom.Agents;
using Larkway.WeCom.Departments;
using Larkway.WeCom.Http;
using Larkway.WeCom.Media;
using Larkway.WeCom.Messages;
using Larkway.WeCom.Users;
using Microsoft.Extensions.Logging;

namespace Larkway.WeCom;

/// <summary>
/// The client of one WeCom app (corp id + the app's secret). Domain clients hang off it (<see cref="Messages"/>,
/// <see cref="Media"/>, <see cref="Users"/>); all of them share the app's token cache, retries, logging and telemetry.
/// Thread-safe; keep one per app. The group robot needs no app: see <see cref="Robots.WeComGroupRobot"/>.
/// </summary>
/// <example>
/// <code>
/// using var client = new WeComClient(new WeComAppOptions { CorpId = "ww…", CorpSecret = "…", AgentId = 1000002 });
/// await client.Messages.SendAsync(WeComRecipients.ToUsers("zhangsan"), WeComAppMessage.Text("Your order shipped."));
/// </code>
/// </example>
public class WeComClient : IDisposable
{
    private readonly WeComPipeline _pipeline = null!;
    private readonly Lazy<WeComMessagesClient> _messages = null!;
    private readonly Lazy<WeComMediaClient> _media = null!;
    private readonly Lazy<WeComUsersClient> _users = null!;
    private readonly Lazy<WeComDepartmentsClient> _departments = null!;
    private readonly Lazy<WeComAgentsClient> _agents = null!;
    private readonly Lazy<SignIn.WeComSignInClient> _signIn = null!;
    private readonly Lazy<Approvals.WeComApprovalsClient> _approvals = null!;
    private readonly Lazy<CustomerService.WeComCustomerServiceClient> _customerService = null!;

    /// <summary>A client. The options are checked now and copied. <paramref name="handler"/> replaces the network and is not disposed.</summary>
    /// <exception cref="WeComApiException">CorpId or CorpSecret is missing (<see cref="WeComErrorCodes.InvalidRequest"/>).</exception>
    /// <exception cref="ArgumentException">Another option is invalid.</exception>
    public WeComClient(WeComAppOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, HttpMessageHandler? handler = null)
        : this("default", options, loggerFactory, timeProvider, meterFactory: null, handler)
    {
    }

    /// <summary>A client named <paramref name="name"/> in logs, recording on <paramref name="meterFactory"/>'s meters.</summary>
    /// <exception cref="WeComApiException">CorpId or CorpSecret is missing (<see cref="WeComErrorCodes.InvalidRequest"/>).</exception>
    /// <exception cref="ArgumentException">Another option is invalid.</exception>
    public WeComClient(string name, WeComAppOptions options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, IMeterFactory? meterFactory, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        _pipeline = new WeComPipeline(name, options.Clone(), loggerFactory, timeProvider, meterFactory, handler);
        _messages = new Lazy<WeComMessagesClient>(() => new WeComMessagesClient(_pipeline));
        _media = new Lazy<WeComMediaClient>(() => new WeComMediaClient(_pipeline));
        _users = new Lazy<WeComUsersClient>(() => new WeComUsersClient(_pipeline));
        _departments = new Lazy<WeComDepartmentsClient>(() => new WeComDepartmentsClient(_pipeline));
        _agents = new Lazy<WeComAgentsClient>(() => new WeComAgentsClient(_pipeline));
        _signIn = new Lazy<SignIn.WeComSignInClient>(() => new SignIn.WeComSignInClient(_pipeline));
        _approvals = new Lazy<Approvals.WeComApprovalsClient>(() => new Approvals.WeComApprovalsClient(_pipeline));
        _customerService = new Lazy<CustomerService.WeComCustomerServiceClient>(() => new CustomerService.WeComCustomerServiceClient(_pipeline));
    }

    /// <summary>For mocking.</summary>
    protected WeComClient()
    {
    }

    /// <summary>The corp this client calls as.</summary>
    public virtual string CorpId => _pipeline.Options.CorpId;

    /// <summary>The app's AgentId, when configured.</summary>
    public virtual long? AgentId => _pipeline.Options.AgentId;

    /// <summary>App messages: send, update template cards, recall.</summary>
    public virtual WeComMessagesClient Messages => _messages.Value;

    /// <summary>Temporary media: upload and download.</summary>
    public virtual WeComMediaClient Media => _media.Value;

    /// <summary>The corp's members.</summary>
    public virtual WeComUsersClient Users => _users.Value;

    /// <summary>The corp's departments.</summary>
    public virtual WeComDepartmentsClient Departments => _departments.Value;

    /// <summary>The corp's apps (the calling app's visible range).</summary>
    public virtual WeComAgentsClient Agents => _agents.Value;

    /// <summary>Signing the corp's members in (web login, web authorization, who a code belongs to).</summary>
    public virtual SignIn.WeComSignInClient SignIn => _signIn.Value;

    /// <summary>The approval app (审批): templates, applications, their state.</summary>
    public virtual Approvals.WeComApprovalsClient Approvals => _approvals.Value;

    /// <summary>Customer service (微信客服): accounts, receptionists, customers' messages, sessions.</summary>
    public virtual CustomerService.WeComCustomerServiceClient CustomerService => _customerService.Value;

    /// <summary>
    /// The app's access token, cached and refreshed early, for a call this library does not cover yet. Do not store it:
    /// ask again for each call.
    /// </summary>
    public virtual Task<string> GetAccessTokenAsync(CancellationToken cancellationToken = default) => _pipeline.GetTokenAsync(cancellationToken);

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
