namespace Larkway.Hub.Bots;

/// <summary>A stored bot conversation: the step awaiting one user's next message in one chat.</summary>
public sealed class BotConversationRow
{
    public string App { get; set; } = "";

    public string ChatId { get; set; } = "";

    public string UserOpenId { get; set; } = "";

    public string Step { get; set; } = "";

    /// <summary>The values gathered so far, as a JSON object of strings.</summary>
    public string ValuesJson { get; set; } = "{}";

    public DateTimeOffset ExpiresAt { get; set; }
}
