using System.Globalization;
using Larkway.Emulator.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Larkway.Emulator.Platform;

/// <summary>
/// Runs after routing for Open API endpoints: armed faults first (they model the gateway), then the
/// bearer token, then the per-app per-API rate limit (429 + x-ogw-ratelimit-* headers).
/// </summary>
internal sealed partial class OpenApiGateMiddleware(
    RequestDelegate next,
    FaultInjector faults,
    TenantAuthenticator authenticator,
    RateLimiter rateLimiter,
    CallCounter calls,
    EmulatorOptions options,
    ILogger<OpenApiGateMiddleware> logger)
{
    public const string LimitHeader = "x-ogw-ratelimit-limit";
    public const string ResetHeader = "x-ogw-ratelimit-reset";

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        var metadata = endpoint?.Metadata.GetMetadata<OpenApiEndpoint>();
        var operation = endpoint?.OperationName();
        if (metadata is null || operation is null)
        {
            await next(context);
            return;
        }

        calls.Increment(operation);
        var fault = faults.TryTake(operation);
        if (fault is not null)
        {
            LogFault(logger, fault.Kind, operation);
            if (fault.Kind == FaultRule.ServerErrorAfter)
            {
                await RunThenFailAsync(context, metadata);
                return;
            }

            try
            {
                await ApplyFaultAsync(fault, context.RequestAborted);
            }
            catch (ApiErrorException e) when (endpoint!.Metadata.GetMetadata<FaultAnswer>() is { } answer && e.HttpStatus >= 500)
            {
                throw answer.ForStatus(e.HttpStatus);
            }
        }

        await AuthorizeAndRunAsync(context, metadata, operation);
    }

    public static ApiErrorException RateLimited(int limit, int resetSeconds, int status = 429) =>
        new(status, ErrorCodes.RateLimited, "request trigger frequency limit")
        {
            Headers = new Dictionary<string, string>
            {
                [LimitHeader] = limit.ToString(CultureInfo.InvariantCulture),
                [ResetHeader] = resetSeconds.ToString(CultureInfo.InvariantCulture),
            },
        };

    /// <summary>
    /// Carries the call out with its answer kept back, then answers 500 instead: the effect (a posted message) is
    /// there, the caller sees a server error and will retry — what a lost response looks like.
    /// </summary>
    private async Task RunThenFailAsync(HttpContext context, OpenApiEndpoint metadata)
    {
        var original = context.Response.Body;
        await using var discarded = new MemoryStream();
        context.Response.Body = discarded;
        try
        {
            await AuthorizeAndRunAsync(context, metadata, context.GetEndpoint()!.OperationName()!);
        }
        catch (ApiErrorException)
        {
            // The call failed on its own: the injected 500 stands in for that answer too.
        }
        finally
        {
            context.Response.Body = original;
        }

        context.Response.Clear();
        throw new ApiErrorException(500, ErrorCodes.InternalError, "internal server error (injected fault, after the call was carried out)");
    }

    private async Task AuthorizeAndRunAsync(HttpContext context, OpenApiEndpoint metadata, string operation)
    {
        if (metadata.RequiresToken)
        {
            var caller = authenticator.Authenticate(context, metadata.Accepts);
            context.Features.Set(caller);
            if (metadata.ApiRateLimited && options.EnforceRateLimits
                && rateLimiter.TryAcquire($"api|{caller.App.AppId}|{operation}", metadata.Tier ?? RateLimiter.ApiTier) is { } rejection)
            {
                throw RateLimited(rejection.Limit, rejection.ResetSeconds, metadata.RateLimitStatus);
            }
        }

        await next(context);
    }

    private static async Task ApplyFaultAsync(FaultRule fault, CancellationToken cancellationToken)
    {
        switch (fault.Kind)
        {
            case FaultRule.RateLimit:
                throw RateLimited(50, fault.ResetSeconds ?? 1);
            case FaultRule.ServerError:
                throw new ApiErrorException(500, ErrorCodes.InternalError, "internal server error (injected fault)");
            case FaultRule.Unavailable:
                throw new ApiErrorException(503, ErrorCodes.InternalError, "service temporarily unavailable (injected fault)");
            case FaultRule.InvalidToken:
                throw new ApiErrorException(400, ErrorCodes.TenantTokenInvalid, "Invalid access token for authorization. Please make a request with token attached.");
            case FaultRule.ScopeDenied:
                throw new ApiErrorException(400, ErrorCodes.ScopeRequired, "Access denied. One of the following scopes is required: [a scope this API needs] (injected fault)");
            case FaultRule.Delay:
                // Real time on purpose: the fault models network latency, not emulated clock time.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(0, fault.DelayMs ?? 1000)), cancellationToken);
                break;
        }
    }

    [LoggerMessage(EventId = LogEvents.OpenApiGateMiddlewareFault, Level = LogLevel.Information, Message = "Injected fault {Kind} on {Operation}")]
    private static partial void LogFault(ILogger logger, string kind, string operation);
}
