namespace Larkway.Hub.Platform.Audit;

/// <summary>One administrative change (table <c>hub_audit_log</c>): who did what to which thing, from where.</summary>
public sealed class AuditEntry
{
    public const int MaxDetailsLength = 4000;

    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary><c>console:admin</c> for the console's user, <c>admin-key</c> for the admin REST API.</summary>
    public string Actor { get; set; } = "";

    /// <summary>Dotted verb, e.g. <c>api_key.create</c>, <c>notification_type.update</c>.</summary>
    public string Action { get; set; } = "";

    /// <summary>What it was done to (an id or name).</summary>
    public string Target { get; set; } = "";

    /// <summary>A JSON object of non-secret facts about the change.</summary>
    public string Details { get; set; } = "{}";

    public string? RemoteIp { get; set; }
}
