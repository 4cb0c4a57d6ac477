using System.Text.Json;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Larkway.Emulator.WeCom.Platform;

/// <summary>
/// Runs after routing for everything under <c>/wecom</c>: counts the call ("POST /wecom/cgi-bin/message/send"), fires
/// armed faults, authenticates <c>?access_token=</c> (41001 missing, 40014 unknown, 42001 expired), and turns every
/// failure into WeCom's <c>{errcode, errmsg}</c> — never the Feishu envelope, and malformed input is never a 500.
/// </summary>
internal sealed partial class WeComGateMiddleware(
    RequestDelegate next,
    WeComFaults faults,
    WeComTokens tokens,
    CallCounter calls,
    ILogger<WeComGateMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(WeComApiExtensions.Prefix, StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<WeComPage>() is not null)
        {
            // A login page answers in HTML, as WeCom's own login host does: no token, no errcode envelope.
            await next(context);
            return;
        }

        var api = endpoint?.Metadata.GetMetadata<WeComApi>();
        try
        {
            if (api is null || endpoint!.OperationName() is not { } operation)
            {
                // WeCom answers an unknown cgi with HTTP 200 and a JSON error too (the path is not a documented API).
                throw WeComException.InvalidParameter($"no WeCom API at {context.Request.Method} {context.Request.Path}: check the path (the Emulator serves qyapi under {WeComApiExtensions.Prefix}/cgi-bin/…) and the method");
            }

            calls.Increment(operation);
            if (faults.TryTake(operation) is { } fault)
            {
                LogFault(logger, fault.Kind, operation);
                if (fault.Kind == FaultRule.ServerErrorAfter)
                {
                    throw await RunThenFailAsync(context, api);
                }

                await AnswerAsync(fault, context.RequestAborted);
            }

            if (api.RequiresToken)
            {
                context.Features.Set(Authenticate(context));
            }

            await next(context);
        }
        catch (WeComException e) when (!context.Response.HasStarted)
        {
            await WeComJson.WriteErrorAsync(context, e);
        }
        catch (Exception e) when (e is BadHttpRequestException or JsonException or InvalidDataException && !context.Response.HasStarted)
        {
            await WeComJson.WriteErrorAsync(context, WeComException.Of(WeComCodes.DataFormatError, "the body is not valid JSON (" + e.Message.ReplaceLineEndings(" ") + ")"));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            LogUnhandled(logger, context.Request.Method, context.Request.Path, e);
            await WeComJson.WriteErrorAsync(context, WeComException.Of(WeComCodes.SystemBusy));
        }
    }

    private WeComCaller Authenticate(HttpContext context)
    {
        var presented = context.Request.Query["access_token"].FirstOrDefault();
        if (string.IsNullOrEmpty(presented))
        {
            throw WeComException.Of(WeComCodes.MissingAccessToken, "pass ?access_token= from /cgi-bin/gettoken");
        }

        var (state, token) = tokens.Check(presented);
        return state switch
        {
            AppTokenState.Valid => new WeComCaller(token!.CorpId, token.AgentId),
            AppTokenState.Expired => throw WeComException.Of(WeComCodes.AccessTokenExpired),
            _ => throw WeComException.Of(WeComCodes.InvalidAccessToken),
        };
    }

    /// <summary>
    /// Carries the call out with its answer kept back and returns the gateway's 502 to answer instead: the effect (a
    /// submitted application, a sent message) is there, the caller sees a failure it will retry — a lost answer.
    /// </summary>
    private async Task<WeComException> RunThenFailAsync(HttpContext context, WeComApi api)
    {
        var original = context.Response.Body;
        await using var discarded = new MemoryStream();
        context.Response.Body = discarded;
        try
        {
            if (api.RequiresToken)
            {
                context.Features.Set(Authenticate(context));
            }

            await next(context);
        }
        catch (WeComException)
        {
            // The call failed on its own: the injected failure stands in for that answer too.
        }
        finally
        {
            context.Response.Body = original;
        }

        context.Response.Clear();
        return BadGateway("(injected fault, after the call was carried out)");
    }

    private static WeComException BadGateway(string note) => new(WeComCodes.SystemBusy, "bad gateway " + note, httpStatus: 502);

    /// <summary>Delays (real time: the fault models the network), or throws the fault's answer.</summary>
    private async Task AnswerAsync(FaultRule fault, CancellationToken cancellationToken)
    {
        switch (fault.Kind)
        {
            case FaultRule.Delay:
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(0, fault.DelayMs ?? 1000)), cancellationToken);
                return;
            case FaultRule.ServerError:
                throw BadGateway("(injected fault)");
            case WeComFaults.SystemBusy:
                throw WeComException.Of(WeComCodes.SystemBusy);
            case FaultRule.RateLimit:
                throw WeComException.Of(WeComCodes.FrequencyLimited);
            case WeComFaults.ConcurrencyLimit:
                throw WeComException.Of(WeComCodes.ConcurrencyLimited);
            case FaultRule.InvalidToken:
                tokens.Revoke();
                throw WeComException.Of(WeComCodes.InvalidAccessToken);
            case WeComFaults.ExpiredToken:
                tokens.ExpireAll();
                throw WeComException.Of(WeComCodes.AccessTokenExpired);
        }
    }

    [LoggerMessage(EventId = LogEvents.WeComGateFault, Level = LogLevel.Information, Message = "Injected WeCom fault {Kind} on {Operation}")]
    private static partial void LogFault(ILogger logger, string kind, string operation);

    [LoggerMessage(EventId = LogEvents.WeComGateUnhandled, Level = LogLevel.Error, Message = "Unhandled WeCom emulator error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}
