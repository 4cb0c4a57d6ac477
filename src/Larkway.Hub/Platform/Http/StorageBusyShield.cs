using Larkway.Hub.Platform.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Platform.Http;

/// <summary>
/// A request that found the database busy (SQLite locked past its busy timeout, a PostgreSQL deadlock or an exhausted
/// pool) is answered 503 with Retry-After and a problem body saying to send it again — the failed transaction was
/// rolled back, and the APIs that create take an idempotency key — with one warning line; not a 500 with an empty body
/// and a stack trace.
/// </summary>
internal sealed partial class StorageBusyShield(RequestDelegate next, IHubStorageProvider storage, ILogger<StorageBusyShield> logger)
{
    /// <summary>Seconds a client waits before sending the request again.</summary>
    public const int RetryAfterSeconds = 1;

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.Response.HasStarted && storage.IsBusy(ex))
        {
            LogBusy(logger, context.Request.Method, context.Request.Path.Value, ex.GetBaseException().Message);
            context.Response.Clear();
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Results.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Database busy",
                detail: $"The Hub's database was busy and the request did not complete. Send the same request again in {RetryAfterSeconds} s, with the same idempotency key where it has one, so that it takes effect once.")
                .ExecuteAsync(context).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = LogEvents.StorageBusyShieldBusy, Level = LogLevel.Warning, Message = "Answered {Method} {Path} with 503: the database was busy ({Reason})")]
    private static partial void LogBusy(ILogger logger, string method, string? path, string reason);
}
