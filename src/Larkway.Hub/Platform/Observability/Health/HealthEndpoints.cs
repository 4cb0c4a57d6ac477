using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Larkway.Hub.Platform.Observability.Health;

/// <summary>The tags that put a health check on an endpoint.</summary>
public static class HubHealthTags
{
    /// <summary>Checks with this tag run on <c>/readyz</c>. Register a check with it to make readiness depend on it.</summary>
    public const string Ready = "ready";

    /// <summary>How long one readiness check may take before it counts as failed (a hung database must not hang probes).</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);
}

/// <summary>
/// <c>/healthz</c> (liveness: the process answers; runs no check, as cheap as it was) and <c>/readyz</c> (readiness: every
/// check tagged <see cref="HubHealthTags.Ready"/>). Both anonymous, both answer JSON listing each check's status and
/// description; 200 when healthy or degraded, 503 when unhealthy.
/// </summary>
internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz", Options(static _ => false)).WithDisplayName("Liveness");
        endpoints.MapHealthChecks("/readyz", Options(static c => c.Tags.Contains(HubHealthTags.Ready))).WithDisplayName("Readiness");
    }

    private static HealthCheckOptions Options(Func<HealthCheckRegistration, bool> predicate) => new()
    {
        Predicate = predicate,
        ResponseWriter = WriteJsonAsync,
        AllowCachingResponses = false,
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
    };

    /// <summary>
    /// <c>{"status":…,"duration_ms":…,"checks":[{"name","status","description","duration_ms"}]}</c>. A check that threw is
    /// described generically: exception text (hosts, paths) stays in the log, since the endpoint is anonymous.
    /// </summary>
    internal static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", report.Status.ToString());
            json.WriteNumber("duration_ms", Math.Round(report.TotalDuration.TotalMilliseconds, 1));
            json.WriteStartArray("checks");
            foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteString("status", entry.Status.ToString());
                json.WriteString("description", entry.Exception is null
                    ? entry.Description
                    : $"The check failed ({entry.Exception.GetType().Name}); the Hub's log says why.");
                json.WriteNumber("duration_ms", Math.Round(entry.Duration.TotalMilliseconds, 1));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).AsTask();
    }
}
