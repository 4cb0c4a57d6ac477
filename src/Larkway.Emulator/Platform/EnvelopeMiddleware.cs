using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Larkway.Emulator.Platform;

/// <summary>
/// Outermost middleware: gives every request an <c>X-Tt-Logid</c>, turns failures into the error
/// envelope (never a bare 500), and answers unknown Open API paths with 99991201.
/// </summary>
internal sealed partial class EnvelopeMiddleware(RequestDelegate next, TimeProvider time, ILogger<EnvelopeMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        Envelope.AssignLogId(context, Ids.LogId(time.GetUtcNow()));
        try
        {
            await next(context);
        }
        catch (ApiErrorException e) when (!context.Response.HasStarted)
        {
            await Envelope.WriteAsync(context, e.HttpStatus, e.Body ?? Envelope.ErrorBody(context, e.Code, e.Message, e.Violation), e.Headers);
            return;
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // Kestrel/forms refusals: body too large, malformed multipart, bad form field types.
            await Envelope.WriteErrorAsync(context, e.StatusCode, ErrorCodes.BadRequest, "Bad Request: " + e.Message);
            return;
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or FormatException && !context.Response.HasStarted)
        {
            await Envelope.WriteErrorAsync(context, 400, ErrorCodes.BadRequest, "Bad Request: " + e.Message);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            LogUnhandled(logger, context.Request.Method, context.Request.Path, e);
            await Envelope.WriteErrorAsync(context, 500, ErrorCodes.InternalError, "internal server error");
            return;
        }

        if (!context.Response.HasStarted && context.Request.Path.StartsWithSegments("/open-apis", StringComparison.Ordinal))
        {
            if (context.Response.StatusCode == 404)
            {
                await Envelope.WriteErrorAsync(context, 404, ErrorCodes.PathNotFound, $"404 page not found: {context.Request.Method} {context.Request.Path}");
            }
            else if (context.Response.StatusCode == 405)
            {
                await Envelope.WriteErrorAsync(context, 405, ErrorCodes.MethodNotAllowed, $"method {context.Request.Method} is not allowed on {context.Request.Path}");
            }
        }
    }

    [LoggerMessage(EventId = LogEvents.EnvelopeMiddlewareUnhandled, Level = LogLevel.Error, Message = "Unhandled emulator error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}
