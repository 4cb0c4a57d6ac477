using System.Text.Json;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Larkway.Emulator.DingTalk.Platform;

/// <summary>
/// Runs after routing for everything under <c>/dingtalk</c>: assigns the request id, counts the call ("POST
/// /dingtalk/v1.0/oauth2/accessToken"), fires armed faults, authenticates the app token, and turns every failure into
/// the family's own shape — the Feishu envelope never answers a DingTalk call, and malformed input is never a 500.
/// </summary>
internal sealed partial class DingTalkGateMiddleware(
    RequestDelegate next,
    DingTalkFaults faults,
    DingTalkTokens tokens,
    CallCounter calls,
    ILogger<DingTalkGateMiddleware> logger)
{
    public const string ApiTokenHeader = "x-acs-dingtalk-access-token";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(DingTalkApiExtensions.Prefix, StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<DingTalkPage>() is not null)
        {
            await next(context);
            return;
        }

        var api = endpoint?.Metadata.GetMetadata<DingTalkApi>();
        var family = api?.Family ?? DingTalkApiExtensions.FamilyOf(context.Request.Path);
        DingTalkRequestIds.Assign(context, family);
        try
        {
            if (api is null || endpoint!.OperationName() is not { } operation)
            {
                throw NotFound(family, context.Request);
            }

            calls.Increment(operation);
            if (faults.TryTake(operation) is { } fault)
            {
                LogFault(logger, fault.Kind, operation);
                if (fault.Kind == FaultRule.ServerErrorAfter)
                {
                    throw await RunThenFailAsync(context, api, family);
                }

                await DingTalkFaults.Answer(fault, family, context.RequestAborted);
            }

            if (api.RequiresToken)
            {
                context.Features.Set(Authenticate(context, family));
            }

            await next(context);
        }
        catch (DingTalkException e) when (!context.Response.HasStarted)
        {
            await DingTalkJson.WriteErrorAsync(context, family, e);
        }
        catch (Exception e) when (e is BadHttpRequestException or JsonException or InvalidDataException && !context.Response.HasStarted)
        {
            await DingTalkJson.WriteErrorAsync(context, family, family == DingTalkFamily.Api
                ? DingTalkException.InvalidParameter("The request is malformed: " + e.Message)
                : DingTalkException.Oapi(DingTalkCodes.MissingParameter, "缺少参数 json"));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            LogUnhandled(logger, context.Request.Method, context.Request.Path, e);
            await DingTalkJson.WriteErrorAsync(context, family, family == DingTalkFamily.Api
                ? DingTalkException.Api(500, DingTalkCodes.ServiceUnavailable, "The request has failed due to a temporary failure of the server.")
                : DingTalkException.Oapi(DingTalkCodes.SystemBusy, DingTalkCodes.SystemBusyMessage));
        }
    }

    /// <summary>
    /// Carries the call out with its answer kept back and returns the server error to answer instead: the effect (a started
    /// approval, a sent message) is there, the caller sees a failure it will retry — what a lost answer looks like.
    /// </summary>
    private async Task<DingTalkException> RunThenFailAsync(HttpContext context, DingTalkApi api, DingTalkFamily family)
    {
        var original = context.Response.Body;
        await using var discarded = new MemoryStream();
        context.Response.Body = discarded;
        try
        {
            if (api.RequiresToken)
            {
                context.Features.Set(Authenticate(context, family));
            }

            await next(context);
        }
        catch (DingTalkException)
        {
            // The call failed on its own: the injected failure stands in for that answer too.
        }
        finally
        {
            context.Response.Body = original;
        }

        context.Response.Clear();
        return DingTalkFaults.ServerError(family, "(injected fault, after the call was carried out)");
    }

    /// <summary>
    /// New API: the <c>x-acs-dingtalk-access-token</c> header; missing, unknown and expired are all 400
    /// InvalidAuthentication (as seen from the real API). Old API: <c>?access_token=</c>; unknown 40014, expired 42001.
    /// </summary>
    private DingTalkCaller Authenticate(HttpContext context, DingTalkFamily family)
    {
        if (family == DingTalkFamily.Api)
        {
            var (state, token) = tokens.Check(context.Request.Headers[ApiTokenHeader].FirstOrDefault());
            return state == AppTokenState.Valid
                ? new DingTalkCaller(token!.AppKey)
                : throw DingTalkException.Api(400, DingTalkCodes.InvalidAuthentication, DingTalkCodes.InvalidAuthenticationMessage);
        }

        var presented = context.Request.Query["access_token"].FirstOrDefault();
        if (string.IsNullOrEmpty(presented))
        {
            throw DingTalkException.Oapi(DingTalkCodes.MissingParameter, "缺少参数 access_token");
        }

        var (oapiState, oapiToken) = tokens.Check(presented);
        return oapiState switch
        {
            AppTokenState.Valid => new DingTalkCaller(oapiToken!.AppKey),
            AppTokenState.Expired => throw DingTalkException.Oapi(DingTalkCodes.AccessTokenExpired, "access_token超时"),
            _ => throw DingTalkException.Oapi(DingTalkCodes.InvalidAccessToken, "不合法的access_token"),
        };
    }

    private static DingTalkException NotFound(DingTalkFamily family, HttpRequest request) => family == DingTalkFamily.Api
        ? DingTalkException.Api(404, DingTalkCodes.NotFound, $"Specified api is not found, please check your url and method: {request.Method} {request.Path}")
        : DingTalkException.Oapi(DingTalkCodes.PathNotFound, "请求的URI地址不存在");

    [LoggerMessage(EventId = LogEvents.DingTalkGateFault, Level = LogLevel.Information, Message = "Injected DingTalk fault {Kind} on {Operation}")]
    private static partial void LogFault(ILogger logger, string kind, string operation);

    [LoggerMessage(EventId = LogEvents.DingTalkGateUnhandled, Level = LogLevel.Error, Message = "Unhandled DingTalk emulator error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}
