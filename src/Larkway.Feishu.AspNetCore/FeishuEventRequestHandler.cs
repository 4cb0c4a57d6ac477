using System.Diagnostics;
using System.Text.Json;
using Larkway.Feishu.Events;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Ingest;
using Larkway.Feishu.Events.Models;
using Larkway.Feishu.Events.Models.Cards;
using Larkway.Feishu.Events.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Feishu.AspNetCore;

/// <summary>
/// One request to a Feishu endpoint: read (bounded) → verify → decrypt → parse → sink (dedupe,
/// persist) → answer. Bad input gets a 4xx problem+json that says what is wrong and never reaches
/// the sink; a sink failure gets 503 so Feishu delivers again.
/// </summary>
internal sealed partial class FeishuEventRequestHandler(
    FeishuVerifierCache verifiers,
    FeishuEventsTelemetry telemetry,
    IServiceProvider services,
    TimeProvider time,
    ILogger<FeishuEventRequestHandler> logger)
{
    private static readonly byte[] SuccessBody = """{"msg":"success"}"""u8.ToArray();
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    public async Task HandleAsync(HttpContext context, string appName, FeishuEndpointKind kind)
    {
        var started = time.GetTimestamp();
        var options = verifiers.Options(appName);
        var cancellationToken = context.RequestAborted;

        var read = await FeishuRequestBody.ReadAsync(context.Request, options.MaxRequestBodySize, cancellationToken).ConfigureAwait(false);
        switch (read.Outcome)
        {
            case FeishuBodyReadOutcome.ClientGone:
                // Abort, so the server neither answers nor drains a body whose read failed (that drain logs an error).
                context.Abort();
                LogClientGone(logger, context.Request.Path.Value, AppForLog(appName));
                return;
            case FeishuBodyReadOutcome.TooLarge:
                await RejectAsync(context, options, appName, null, StatusCodes.Status413PayloadTooLarge,
                    $"The request body is larger than the {options.MaxRequestBodySize} bytes this endpoint accepts.").ConfigureAwait(false);
                return;
            case FeishuBodyReadOutcome.Unreadable:
                await RejectAsync(context, options, appName, FeishuEventErrorReason.Malformed, read.Status,
                    $"The request body could not be read: {read.Detail} Send a complete body with valid Content-Length or chunked framing.").ConfigureAwait(false);
                return;
        }

        var body = read.Body;

        FeishuVerifiedRequest verified;
        try
        {
            var headers = new FeishuRequestHeaders(
                context.Request.Headers["X-Lark-Request-Timestamp"].ToString(),
                context.Request.Headers["X-Lark-Request-Nonce"].ToString(),
                context.Request.Headers["X-Lark-Signature"].ToString());
            verified = verifiers.Get(appName).Verify(body, headers);
        }
        catch (FeishuEventException ex)
        {
            await RejectAsync(context, options, appName, ex.Reason, StatusFor(ex.Reason), ex.Message).ConfigureAwait(false);
            return;
        }

        var envelope = verified.Envelope;
        if (envelope.IsUrlVerification)
        {
            await WriteJsonAsync(context, StatusCodes.Status200OK, "application/json; charset=utf-8",
                System.Text.Encoding.UTF8.GetBytes(verified.ChallengeResponseJson!)).ConfigureAwait(false);
            return;
        }

        if (WrongEndpoint(kind, envelope) is { } misrouted)
        {
            await RejectAsync(context, options, appName, FeishuEventErrorReason.Malformed, StatusCodes.Status400BadRequest, misrouted).ConfigureAwait(false);
            return;
        }

        if (CardActionShapeProblem(envelope) is { } shape)
        {
            await RejectAsync(context, options, appName, FeishuEventErrorReason.Malformed, StatusCodes.Status400BadRequest, shape).ConfigureAwait(false);
            return;
        }

        await options.Events.RequestVerified(new FeishuRequestVerifiedContext(context, appName, verified)).ConfigureAwait(false);

        var inbound = new FeishuInboundEvent(envelope, verified.Body, FeishuEventTransport.Http, appName);
        var activity = FeishuEventsTelemetry.StartReceive(envelope, appName, FeishuEventTransport.Http);
        var outcome = ReceiveOutcome.Cancelled;
        var handledHere = true; // false once the event is a rejection, or left to finish in the background
        FeishuIngestResult result;
        try
        {
            var sink = services.GetKeyedService<IFeishuEventSink>(appName) ?? services.GetService<IFeishuEventSink>()
                ?? throw new InvalidOperationException($"No IFeishuEventSink is registered for Feishu app '{appName}'.");
            var accepting = sink.AcceptAsync(inbound, cancellationToken).AsTask();
            if (inbound.IsCardAction)
            {
                var finished = await Task.WhenAny(accepting, Task.Delay(options.CardActionDeadline, cancellationToken)).ConfigureAwait(false);
                if (finished != accepting)
                {
                    // Answer now so the user sees no error; the handler keeps running and can update the card later.
                    ObserveLate(accepting, inbound, activity);
                    handledHere = false;
                    LogCardActionLate(logger, envelope.EventType, AppForLog(appName), options.CardActionDeadline.TotalMilliseconds);
                    await WriteJsonAsync(context, StatusCodes.Status200OK, "application/json; charset=utf-8", EmptyObject).ConfigureAwait(false);
                    CardAnswered(inbound, CardAnswer.Late, started);
                    return;
                }
            }

            result = await accepting.ConfigureAwait(false);
            outcome = result.Status == FeishuIngestStatus.Duplicate ? ReceiveOutcome.Duplicate : ReceiveOutcome.Accepted;
        }
        catch (FeishuEventException ex)
        {
            // A verified body whose typed model does not match (a known type with the wrong shape): a rejection, not an event.
            activity?.Dispose();
            handledHere = false;
            await RejectAsync(context, options, appName, ex.Reason, StatusFor(ex.Reason), ex.Message).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Feishu hung up; it will deliver again.
            return;
        }
        catch (Exception ex)
        {
            outcome = ReceiveOutcome.Failed;
            LogSinkFailed(logger, ex, envelope.EventType, AppForLog(appName));
            context.Response.Headers.RetryAfter = "5";
            await WriteProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "event-not-stored",
                "The event could not be stored; Feishu will deliver it again.").ConfigureAwait(false);
            CardAnswered(inbound, CardAnswer.Failed, started);
            return;
        }
        finally
        {
            if (handledHere)
            {
                telemetry.EventHandled(activity, inbound, outcome);
            }
        }

        if (inbound.IsCardAction)
        {
            await WriteJsonAsync(context, StatusCodes.Status200OK, "application/json; charset=utf-8",
                CardResponseBody(envelope, result.CardResponse)).ConfigureAwait(false);
            CardAnswered(inbound, result.CardResponse is null ? CardAnswer.Empty : CardAnswer.Response, started);
            return;
        }

        await WriteJsonAsync(context, StatusCodes.Status200OK, "application/json; charset=utf-8", SuccessBody).ConfigureAwait(false);
    }

    /// <summary>
    /// Old-style callbacks replace the card with whatever JSON card the body is, so a response that only
    /// carries a raw card is answered with that card itself; toasts and template cards keep the new shape.
    /// </summary>
    internal static byte[] CardResponseBody(FeishuEventEnvelope envelope, CardActionResponse? response)
    {
        if (response is null)
        {
            return EmptyObject;
        }

        if (envelope.Kind == FeishuEnvelopeKind.LegacyCardCallback
            && response.Toast is null
            && response.Card is { Type: "raw", Data.ValueKind: JsonValueKind.Object } card)
        {
            return JsonSerializer.SerializeToUtf8Bytes(card.Data);
        }

        return response.ToUtf8Json();
    }

    private static string? WrongEndpoint(FeishuEndpointKind kind, FeishuEventEnvelope envelope) => kind switch
    {
        FeishuEndpointKind.Events when envelope.Kind == FeishuEnvelopeKind.LegacyCardCallback =>
            "This is an old-style message-card callback; point the app's card request URL at the card-actions endpoint (MapFeishuCardActions), not the events endpoint.",
        FeishuEndpointKind.CardActions when envelope.Kind != FeishuEnvelopeKind.LegacyCardCallback && envelope.EventType != CardActionTriggerEvent.Type =>
            $"This endpoint takes card callbacks, and this is a '{envelope.EventType}' event; point the app's event subscription at the events endpoint (MapFeishuEvents).",
        _ => null,
    };

    /// <summary>
    /// A card action is handled while Feishu waits, and a failing click is retried until it is dead-lettered:
    /// so its typed model (new-style or old-style) must parse here, or the click is refused naming the field.
    /// </summary>
    private static string? CardActionShapeProblem(FeishuEventEnvelope envelope)
    {
        if (envelope.EventType is not (CardActionTriggerEvent.Type or FeishuEventEnvelope.LegacyCardActionType))
        {
            return null;
        }

        try
        {
            _ = FeishuEventParser.Parse(envelope);
            return null;
        }
        catch (FeishuEventException ex)
        {
            return ex.Message;
        }
    }

    private static int StatusFor(FeishuEventErrorReason reason) => reason switch
    {
        FeishuEventErrorReason.BadSignature or FeishuEventErrorReason.StaleTimestamp or FeishuEventErrorReason.WrongToken => StatusCodes.Status401Unauthorized,
        _ => StatusCodes.Status400BadRequest,
    };

    private static string Slug(FeishuEventErrorReason? reason, int status) => reason switch
    {
        null => "body-too-large",
        FeishuEventErrorReason.Malformed when status == StatusCodes.Status408RequestTimeout => "body-timeout",
        FeishuEventErrorReason.BadSignature => "bad-signature",
        FeishuEventErrorReason.StaleTimestamp => "stale-timestamp",
        FeishuEventErrorReason.WrongToken => "wrong-verification-token",
        FeishuEventErrorReason.BadEncryption => "bad-encryption",
        FeishuEventErrorReason.Configuration => "receiver-configuration",
        _ => "malformed-body",
    };

    /// <summary>The <c>error.type</c> of a rejection on the rejected-requests counter: the problem type's slug in snake_case, shortened.</summary>
    private static string MetricReason(string slug) => slug switch
    {
        "body-too-large" => "too_large",
        "malformed-body" => "malformed",
        "wrong-verification-token" => "wrong_token",
        "receiver-configuration" => "configuration",
        _ => slug.Replace('-', '_'),
    };

    private async Task RejectAsync(HttpContext context, FeishuEventEndpointOptions options, string appName, FeishuEventErrorReason? reason, int status, string message)
    {
        var slug = Slug(reason, status);
        LogRejected(logger, context.Request.Path.Value, AppForLog(appName), slug, status, message);
        telemetry.Rejected(appName, FeishuEventTransport.Http, MetricReason(slug));
        await options.Events.RequestRejected(new FeishuRequestRejectedContext(context, appName, reason, status, message)).ConfigureAwait(false);
        await WriteProblemAsync(context, status, slug, message).ConfigureAwait(false);
    }

    private static Task WriteProblemAsync(HttpContext context, int status, string slug, string detail)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "https://larkway.dev/problems/feishu/" + slug);
            writer.WriteString("title", slug.Replace('-', ' '));
            writer.WriteNumber("status", status);
            writer.WriteString("detail", detail);
            writer.WriteEndObject();
        }

        return WriteJsonAsync(context, status, "application/problem+json; charset=utf-8", buffer.WrittenMemory);
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, string contentType, ReadOnlyMemory<byte> body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The rest of a card action answered at the deadline: counted, its activity ended, and a failure logged when the sink is done.</summary>
    private void ObserveLate(Task<FeishuIngestResult> accepting, FeishuInboundEvent inbound, Activity? activity) =>
        _ = accepting.ContinueWith(
            t =>
            {
                var outcome = t.Status switch
                {
                    TaskStatus.RanToCompletion => t.Result.Status == FeishuIngestStatus.Duplicate ? ReceiveOutcome.Duplicate : ReceiveOutcome.Accepted,
                    TaskStatus.Canceled => ReceiveOutcome.Cancelled,
                    _ => ReceiveOutcome.Failed,
                };
                if (t.IsFaulted)
                {
                    LogLateCardActionFailed(logger, t.Exception!.GetBaseException(), inbound.Envelope.EventType, AppForLog(inbound.AppName));
                }

                telemetry.EventHandled(activity, inbound, outcome);
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private void CardAnswered(FeishuInboundEvent inbound, CardAnswer answer, long started)
    {
        if (inbound.IsCardAction)
        {
            telemetry.CardActionAnswered(inbound.AppName, FeishuEventTransport.Http, answer, time.GetElapsedTime(started));
        }
    }

    // The unnamed app (Options.DefaultName, "") reads as 'default' — the name the Hub gives it in its API, webhooks and logs — not as ''.
    private static string AppForLog(string appName) => appName.Length == 0 ? "default" : appName;

    [LoggerMessage(EventId = LogEvents.FeishuEventRequestHandlerRejected, Level = LogLevel.Warning, Message = "Rejected a Feishu request to {Path} for app '{AppName}': {Reason} ({Status}). {Detail}")]
    private static partial void LogRejected(ILogger logger, string? path, string appName, string reason, int status, string detail);

    [LoggerMessage(EventId = LogEvents.FeishuEventRequestHandlerSinkFailed, Level = LogLevel.Error, Message = "The sink failed to accept a Feishu {EventType} event for app '{AppName}'; answered 503 so Feishu redelivers.")]
    private static partial void LogSinkFailed(ILogger logger, Exception exception, string eventType, string appName);

    [LoggerMessage(EventId = LogEvents.FeishuEventRequestHandlerLateCardActionFailed, Level = LogLevel.Error, Message = "A late Feishu {EventType} card action for app '{AppName}' failed after the endpoint had answered.")]
    private static partial void LogLateCardActionFailed(ILogger logger, Exception exception, string eventType, string appName);

    [LoggerMessage(EventId = LogEvents.FeishuEventRequestHandlerClientGone, Level = LogLevel.Debug, Message = "A Feishu request to {Path} for app '{AppName}' was abandoned by the client while its body was being read; nothing to answer.")]
    private static partial void LogClientGone(ILogger logger, string? path, string appName);

    [LoggerMessage(EventId = LogEvents.FeishuEventRequestHandlerCardActionLate, Level = LogLevel.Warning, Message = "A Feishu {EventType} card action for app '{AppName}' took longer than {DeadlineMs} ms; answered {{}} and let it finish in the background.")]
    private static partial void LogCardActionLate(ILogger logger, string eventType, string appName, double deadlineMs);
}
