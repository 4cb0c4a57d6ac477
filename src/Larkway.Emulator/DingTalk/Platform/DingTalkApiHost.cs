using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.DingTalk.Platform;

/// <summary>
/// The listener of <see cref="Hosting.EmulatorOptions.DingTalkApiPort"/>: a host that answers like api.dingtalk.com and
/// oapi.dingtalk.com, with DingTalk's paths at its root. Its port is known once Kestrel has bound it (a requested 0
/// becomes a real port only then); until it is known, no request is taken for it.
/// </summary>
internal sealed class DingTalkApiHost
{
    private int _port;

    /// <summary>The port the listener is bound to, or 0 while it is not known yet.</summary>
    public int Port
    {
        get => Volatile.Read(ref _port);
        set => Volatile.Write(ref _port, value);
    }
}

/// <summary>
/// Serves the DingTalk API host's requests from the emulator's DingTalk routes: a request that arrived on that listener
/// is served as if it had been sent to <c>/dingtalk</c> + its path. A path already under <c>/dingtalk</c> is served as
/// it is, so the links the emulator hands out (the Stream endpoint, the session webhook, file downloads), which name
/// the host they were asked on, keep working there; no DingTalk path of either real host starts with <c>/dingtalk</c>.
/// </summary>
internal sealed class DingTalkApiHostMiddleware(RequestDelegate next, DingTalkApiHost host)
{
    public Task InvokeAsync(HttpContext context)
    {
        var port = host.Port;
        if (port != 0 && context.Connection.LocalPort == port
            && !context.Request.Path.StartsWithSegments(DingTalkApiExtensions.Prefix, StringComparison.Ordinal))
        {
            context.Request.Path = new PathString(DingTalkApiExtensions.Prefix).Add(context.Request.Path);
        }

        return next(context);
    }
}
