using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>What every console page that changes something shares: the audit log and a message for the next page.</summary>
internal abstract class ConsolePageModel : PageModel
{
    protected ConsolePageModel(IAuditLog audit)
    {
        Audit = audit;
    }

    protected IAuditLog Audit { get; }

    /// <summary>Records a change; <paramref name="details"/> must hold no secret.</summary>
    protected Task AuditAsync(string action, string target, IReadOnlyDictionary<string, string?>? details = null) =>
        Audit.WriteAsync(HttpContext, action, target, details, HttpContext.RequestAborted);

    /// <summary>Shown once, on the next page.</summary>
    protected void Flash(string message) => TempData["Message"] = message;

    protected static Dictionary<string, string?> Details(params (string Key, string? Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
}
