using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Larkway.Browser.Tests;

/// <summary>A test's own small web app (a sample app signing in with Feishu or the Hub) on Kestrel at 127.0.0.1, any port.</summary>
internal abstract class LoopbackApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    /// <summary>Takes over <paramref name="app"/>, already started.</summary>
    protected LoopbackApp(WebApplication app)
    {
        _app = app;
        Address = new Uri(app.Urls.First());
    }

    public Uri Address { get; }

    public Uri Url(string path) => new(Address, path);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>
    /// A remote sign-in's failure as a page of the app: a redirect to <paramref name="pageWithParameter"/> (<c>/?failure=</c>)
    /// followed by the protocol's error (<c>access_denied</c>), else the failure's message.
    /// </summary>
    protected static Task ShowFailure(RemoteFailureContext context, string pageWithParameter)
    {
        var why = context.Failure?.Data["error"] as string ?? context.Failure?.Message ?? "unknown";
        context.Response.Redirect(pageWithParameter + Uri.EscapeDataString(why));
        context.HandleResponse();
        return Task.CompletedTask;
    }

    /// <summary>A slim builder listening on 127.0.0.1 at a port the system picks, without logging.</summary>
    protected static WebApplicationBuilder CreateBuilder()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        return builder;
    }
}
