using System.Globalization;

namespace Larkway.Hub.Monitoring;

/// <summary>
/// One failed Open Platform call as the client's metrics describe it: which app, which operation (method and path
/// template) and the code (Feishu's, or none for a transport failure, with its error type). No message text: the
/// metrics carry none, and a message may quote a caller's data.
/// </summary>
internal sealed record ApiFailure(DateTimeOffset At, string? AppId, string? Method, string? PathTemplate, string Code, string? ErrorType)
{
    /// <summary>E.g. <c>POST /open-apis/im/v1/messages (app cli_a1b2) failed with code 230002 (feishu_api_error) at 2026-11-25 06:20:31 UTC</c>.</summary>
    public string Describe()
    {
        var call = $"{Method ?? "?"} {PathTemplate ?? "?"}";
        var app = string.IsNullOrEmpty(AppId) ? "" : $" (app {AppId})";
        var type = string.IsNullOrEmpty(ErrorType) ? "" : $" ({ErrorType})";
        var text = string.Create(CultureInfo.InvariantCulture, $"{call}{app} failed with code {Code}{type} at {At.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");
        return text.Length <= 1000 ? text : text[..1000];
    }
}
