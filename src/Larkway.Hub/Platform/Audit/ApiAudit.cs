using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Platform.Audit;

/// <summary>The admin REST API's changes go to the same audit log as the console's (when the log is registered).</summary>
internal static class ApiAudit
{
    public static Task WriteAsync(HttpContext http, string action, string target, params (string Key, string? Value)[] details) =>
        http.RequestServices.GetService<IAuditLog>() is { } log
            ? log.WriteAsync(http, action, target, details.ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal), http.RequestAborted)
            : Task.CompletedTask;
}
