using Larkway.Feishu.Events;
using Larkway.Feishu.Events.Envelopes;
using Microsoft.AspNetCore.Http;

namespace Larkway.Feishu.AspNetCore;

/// <summary>Notifications from the Feishu endpoints, in the shape of ASP.NET Core's authentication events.</summary>
public class FeishuEndpointEvents
{
    /// <summary>Called after a request passed verification, before it reaches the sink.</summary>
    public Func<FeishuRequestVerifiedContext, Task> OnRequestVerified { get; set; } = static _ => Task.CompletedTask;

    /// <summary>Called when a request is rejected (bad signature, stale timestamp, wrong token, malformed, too large).</summary>
    public Func<FeishuRequestRejectedContext, Task> OnRequestRejected { get; set; } = static _ => Task.CompletedTask;

    /// <summary>Runs <see cref="OnRequestVerified"/>; override to handle it in a subclass.</summary>
    /// <param name="context">The verified request.</param>
    /// <returns>A task that completes when the handler has run.</returns>
    public virtual Task RequestVerified(FeishuRequestVerifiedContext context) => OnRequestVerified(context);

    /// <summary>Runs <see cref="OnRequestRejected"/>; override to handle it in a subclass.</summary>
    /// <param name="context">The rejected request.</param>
    /// <returns>A task that completes when the handler has run.</returns>
    public virtual Task RequestRejected(FeishuRequestRejectedContext context) => OnRequestRejected(context);
}

/// <summary>A request that passed verification.</summary>
public sealed class FeishuRequestVerifiedContext(HttpContext httpContext, string appName, FeishuVerifiedRequest request)
{
    /// <summary>The request's context.</summary>
    public HttpContext HttpContext { get; } = httpContext;

    /// <summary>The app the endpoint serves (empty for the default app).</summary>
    public string AppName { get; } = appName;

    /// <summary>What verification found: the event or callback, decrypted.</summary>
    public FeishuVerifiedRequest Request { get; } = request;
}

/// <summary>A rejected request. The message never contains secrets or body contents.</summary>
public sealed class FeishuRequestRejectedContext(HttpContext httpContext, string appName, FeishuEventErrorReason? reason, int statusCode, string message)
{
    /// <summary>The request's context.</summary>
    public HttpContext HttpContext { get; } = httpContext;

    /// <summary>The app the endpoint serves (empty for the default app).</summary>
    public string AppName { get; } = appName;

    /// <summary>The verification failure, or null when the request was refused before verification (too large).</summary>
    public FeishuEventErrorReason? Reason { get; } = reason;

    /// <summary>The HTTP status the request is answered with.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>Why it was refused, as the answer's detail says it.</summary>
    public string Message { get; } = message;
}
