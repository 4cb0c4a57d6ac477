using System.Text.Json.Serialization;

namespace Larkway.Feishu.Events.Models.App;

/// <summary><c>app_ticket</c> (v1 envelope): pushed to store apps every hour; needed for app_access_token.</summary>
public sealed record AppTicketEvent : FeishuEvent, IFeishuEventType
{
    public const string Type = "app_ticket";

    public static string TypeName => Type;

    [JsonIgnore]
    public override string EventType => Type;

    public string AppId { get; init; } = "";

    public string AppTicket { get; init; } = "";
}
