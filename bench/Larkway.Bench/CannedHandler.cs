using System.Net;
using System.Net.Http.Headers;

namespace Larkway.Bench;

/// <summary>
/// The network replaced by fixed answers (a token for the auth endpoint, <paramref name="body"/> for
/// anything else), so that a run measures only the CPU of the two sides, in a tight loop.
/// </summary>
internal sealed class CannedHandler(byte[] body, byte[] token) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(request.RequestUri?.AbsolutePath.Contains("/auth/v3/", StringComparison.Ordinal) == true ? token : body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
        response.Headers.TryAddWithoutValidation("X-Tt-Logid", "canned-log-id");
        return Task.FromResult(response);
    }
}
