using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.DingTalk.Platform;

/// <summary>
/// Every DingTalk answer has a request id: the new API puts it in <c>x-acs-request-id</c> (and an error body's
/// <c>requestid</c>), the old API in the body's <c>request_id</c> (13 lower-case characters, e.g. "15s8zeioz2sf6").
/// </summary>
internal static class DingTalkRequestIds
{
    public const string Header = "x-acs-request-id";
    private const string Item = "larkway.dingtalk.request_id";

    public static string Assign(HttpContext context, DingTalkFamily family)
    {
        var id = family == DingTalkFamily.Api
            ? Guid.NewGuid().ToString("D").ToUpperInvariant()
            : Ids.Hex(13);
        context.Items[Item] = id;
        if (family == DingTalkFamily.Api)
        {
            context.Response.Headers[Header] = id;
        }

        return id;
    }

    public static string Of(HttpContext context) => context.Items[Item] as string ?? string.Empty;
}
