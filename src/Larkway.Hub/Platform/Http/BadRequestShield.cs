using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Platform.Http;

/// <summary>
/// The Hub's last line for requests that break the protocol rather than a route's rules: a body whose framing is broken,
/// too large for the server, or read too slowly raises <see cref="BadHttpRequestException"/> from wherever it is read
/// (a form, a stream); it is answered with its 4xx as problem+json and one warning line, not a 500 and a stack trace.
/// A client that went away gets nothing and leaves no log.
/// </summary>
internal sealed partial class BadRequestShield(RequestDelegate next, ILogger<BadRequestShield> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            LogBadRequest(logger, context.Request.Method, context.Request.Path.Value, ex.StatusCode, ex.Message);
            context.Response.Clear();
            await Results.Problem(statusCode: ex.StatusCode, title: "Bad request", detail: ex.Message).ExecuteAsync(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            // The client hung up; there is nobody to answer.
        }
        catch (IOException ex) when (!context.Response.HasStarted)
        {
            // Kestrel's word for some broken framing (an overflowing chunk size) while the client is still there.
            LogBadRequest(logger, context.Request.Method, context.Request.Path.Value, StatusCodes.Status400BadRequest, ex.Message);
            context.Response.Clear();
            await Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: "The request body could not be read: " + ex.Message).ExecuteAsync(context).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = LogEvents.BadRequestShieldBadRequest, Level = LogLevel.Warning, Message = "Refused {Method} {Path}: {Status} {Reason}")]
    private static partial void LogBadRequest(ILogger logger, string method, string? path, int status, string reason);
}
