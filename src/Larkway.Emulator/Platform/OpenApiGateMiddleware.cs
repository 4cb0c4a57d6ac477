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
        if (faults.TryTake(operation) is { } fault)
        {
            LogFault(logger, fault.Kind, operation);
            await ApplyFaultAsync(fault, context.RequestAborted);
        }

        if (metadata.RequiresTenantToken)
        {
            var app = authenticator.Authenticate(context);
            context.Features.Set(new Caller(app));
            if (metadata.ApiRateLimited && options.EnforceRateLimits
                && rateLimiter.TryAcquire($"api|{app.AppId}|{operation}", RateLimiter.ApiTier) is { } rejection)
            {
                throw RateLimited(rejection.Limit, rejection.ResetSeconds);
            }
        }

        await next(context);
    }

    public static ApiErrorException RateLimited(int limit, int resetSeconds) =>
        new(429, ErrorCodes.RateLimited, "request trigger frequency limit")
        {
            Headers = new Dictionary<string, string>
            {
                [LimitHeader] = limit.ToString(CultureInfo.InvariantCulture),
                [ResetHeader] = resetSeconds.ToString(CultureInfo.InvariantCulture),
            },
        };

    private static async Task ApplyFaultAsync(FaultRule fault, CancellationToken cancellationToken)
    {
        switch (fault.Kind)
        {
            case FaultRule.RateLimit:
                throw RateLimited(50, fault.ResetSeconds ?? 1);
            case FaultRule.ServerError:
                throw new ApiErrorException(500, ErrorCodes.InternalError, "internal server error (injected fault)");
            case FaultRule.InvalidToken:
                throw new ApiErrorException(400, ErrorCodes.TenantTokenInvalid, "Invalid access token for authorization. Please make a request with token attached.");
            case FaultRule.Delay:
                // Real time on purpose: the fault models network latency, not emulated clock time.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(0, fault.DelayMs ?? 1000)), cancellationToken);
                break;
        }
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Injected fault {Kind} on {Operation}")]
    private static partial void LogFault(ILogger logger, string kind, string operation);
}
