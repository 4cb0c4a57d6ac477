namespace Larkway.Hub.Assistants.Storage;

/// <summary>A click on an answer's feedback buttons (<c>assistant_feedback</c>): one per turn and user, the last click wins.</summary>
public sealed class AssistantFeedbackRow
{
    /// <summary>The stored values: the answer helped, it did not; and the regenerate clicks counted beside them.</summary>
    public const string Helpful = "helpful", NotHelpful = "not_helpful", Regenerate = "regenerate";

    /// <summary>The turn (<see cref="AssistantTurnRow.Id"/>).</summary>
    public long TurnId { get; set; }

    /// <summary>Who clicked: the person, else <c>{platform}:{user id}</c>.</summary>
    public string User { get; set; } = "";

    /// <summary><see cref="Helpful"/> or <see cref="NotHelpful"/>.</summary>
    public string Value { get; set; } = "";

    /// <summary>When clicked (last).</summary>
    public DateTimeOffset At { get; set; }
}

/// <summary>
/// One masked field (<c>assistant_mask_audit</c>): which detector found what kind of data, in which direction, and a
/// keyed fingerprint of the value (HMAC), never the value itself — enough to answer "did this number reach the backend".
/// </summary>
public sealed class AssistantMaskAuditRow
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>The turn (<see cref="AssistantTurnRow.Id"/>).</summary>
    public long TurnId { get; set; }

    /// <summary><c>to_backend</c> or <c>to_platform</c>.</summary>
    public string Direction { get; set; } = "";

    /// <summary>The detector: <c>china_mobile</c>, <c>resident_id</c>, <c>bank_card</c>, <c>email</c>.</summary>
    public string Detector { get; set; } = "";

    /// <summary>The value's keyed fingerprint (hex).</summary>
    public string Fingerprint { get; set; } = "";

    /// <summary>When masked.</summary>
    public DateTimeOffset At { get; set; }
}
