using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Larkway.Hub.Approvals.Cards;

/// <summary>
/// The approver's card for one task, as it should look now: while the task is pending, what is asked (title, applicant,
/// key form values, reference) with Approve and Reject; afterwards, what happened. Form values are plain text, so a
/// business system's data cannot inject markup or mentions.
/// </summary>
internal static class ApprovalCardRenderer
{
    /// <summary>The button actions (the value's <c>action</c>).</summary>
    public const string ApproveAction = "larkway.approval.approve";

    /// <inheritdoc cref="ApproveAction"/>
    public const string RejectAction = "larkway.approval.reject";

    /// <summary>Form values shown on the card at most (the rest are on the platform).</summary>
    private const int MaxFields = 6;

    private const int MaxValueLength = 200;

    /// <summary>What a card for <paramref name="taskStatus"/> of an approval in <paramref name="approval"/>'s state shows; a change means re-render.</summary>
    public static string Shown(string taskStatus, ApprovalState approval) => $"{taskStatus.ToUpperInvariant()}/{ApprovalTransitions.WireName(approval)}";

    /// <summary>
    /// The card JSON for the approver of <paramref name="taskId"/>. The same state renders the same card whether it is the
    /// answer to the approver's click or the outbox's later update (so neither overwrites the other with something else);
    /// "Approved by you" holds either way, since only the assignee can decide their task, here or on the platform. Where
    /// the platform does not let an app decide (<paramref name="platform"/>), the open card links to its approval page.
    /// </summary>
    public static string Render(ApprovalRow approval, string taskId, string taskStatus, ApprovalCardPlatform platform, string? applicantName = null)
    {
        ArgumentNullException.ThrowIfNull(approval);
        ArgumentNullException.ThrowIfNull(platform);
        var status = taskStatus.ToUpperInvariant();
        var open = approval.Status == ApprovalState.Pending && status == "PENDING";
        var (colour, headline) = Headline(approval.Status, status);
        var outcome = Outcome(approval.Status, status, platform.Display);
        var elements = new JsonArray { Summary(approval, platform, applicantName) };
        if (Fields(approval) is { Count: > 0 } fields)
        {
            elements.Add(new JsonObject { ["tag"] = "div", ["fields"] = fields });
        }

        elements.Add(new JsonObject { ["tag"] = "hr" });
        if (open && platform.Decides)
        {
            elements.Add(new JsonObject
            {
                ["tag"] = "action",
                ["actions"] = new JsonArray
                {
                    Button("Approve", "primary", ApproveAction, approval.Id, taskId),
                    Button("Reject", "danger", RejectAction, approval.Id, taskId),
                },
            });
        }
        else if (open)
        {
            elements.Add(new JsonObject
            {
                ["tag"] = "note",
                ["elements"] = new JsonArray { Text($"Approve or reject it in {platform.Display}'s approval page.") },
            });
            if (platform.PageUrl is { } url)
            {
                // A link only: a value would make it a button that calls back, which decides nothing here.
                var button = new JsonObject { ["tag"] = "button", ["text"] = Text($"Open in {platform.Display}"), ["type"] = "primary", ["url"] = url };
                elements.Add(new JsonObject { ["tag"] = "action", ["actions"] = new JsonArray { button } });
            }
        }
        else
        {
            elements.Add(new JsonObject
            {
                ["tag"] = "note",
                ["elements"] = new JsonArray { Text(outcome) },
            });
        }

        var card = new JsonObject
        {
            ["config"] = new JsonObject { ["wide_screen_mode"] = true, ["update_multi"] = true },
            ["header"] = new JsonObject
            {
                ["template"] = colour,
                ["title"] = Text(Clip(headline + ": " + (approval.Title ?? approval.ApprovalName ?? "approval request"), 100)),
            },
            ["elements"] = elements,
        };
        return card.ToJsonString();
    }

    private static (string Colour, string Headline) Headline(ApprovalState approval, string task) => (approval, task) switch
    {
        (ApprovalState.Approved, _) => ("green", "Approved"),
        (ApprovalState.Rejected, _) => ("red", "Rejected"),
        (ApprovalState.Canceled, _) => ("grey", "Withdrawn"),
        (ApprovalState.Deleted, _) => ("grey", "Deleted"),
        (ApprovalState.Reverted, _) => ("grey", "Reverted"),
        (_, "APPROVED") => ("green", "Approved by you"),
        (_, "REJECTED") => ("red", "Rejected by you"),
        (_, "PENDING") => ("blue", "Waiting for your approval"),
        _ => ("grey", "No longer yours to decide"),
    };

    private static string Outcome(ApprovalState approval, string task, string platform)
    {
        var yours = task switch
        {
            "APPROVED" => "Approved by you.",
            "REJECTED" => "Rejected by you.",
            "TRANSFERRED" => "Transferred to someone else.",
            "PENDING" => "",
            _ => "Decided elsewhere — nothing left for you to do.",
        };
        var whole = approval switch
        {
            ApprovalState.Pending => "The approval waits for other approvers.",
            ApprovalState.Approved => "The approval was approved.",
            ApprovalState.Rejected => "The approval was rejected.",
            ApprovalState.Canceled => "The applicant withdrew it.",
            ApprovalState.Deleted => $"It was deleted in {platform}.",
            ApprovalState.Reverted => "It was approved, then reverted.",
            _ => "",
        };
        return (yours + " " + whole).Trim();
    }

    /// <summary>
    /// Applicant (a mention where the platform's cards take one, else their directory name, else as the request named
    /// them) and reference.
    /// </summary>
    private static JsonObject Summary(ApprovalRow approval, ApprovalCardPlatform platform, string? applicantName)
    {
        // Ids are the platform's own (resolved when the approval was accepted); everything else goes in plain-text fields.
        var applicant = platform.Mentions && approval.ApplicantUserId is { } userId && userId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            ? $"<at id={userId}></at>"
            : NameInMarkdown(applicantName) is { } name ? name
            : PlainInMarkdown(approval.Applicant) is { } named ? named
            : "(" + approval.ApplicantType + ")";
        var fields = new JsonArray
        {
            new JsonObject { ["is_short"] = true, ["text"] = new JsonObject { ["tag"] = "lark_md", ["content"] = "**Applicant**\n" + applicant } },
        };
        if (approval.Reference is { } reference)
        {
            fields.Add(new JsonObject { ["is_short"] = true, ["text"] = Text("Reference: " + Clip(reference, MaxValueLength)) });
        }

        return new JsonObject { ["tag"] = "div", ["fields"] = fields };
    }

    /// <summary>
    /// The first form values, each "label: value" in plain text — the widget labels and option texts kept when the
    /// approval was accepted; the raw keys and values for an approval stored before they were kept.
    /// </summary>
    private static JsonArray? Fields(ApprovalRow approval)
    {
        var lines = ApprovalFormDisplay.Deserialize(approval.FormDisplay) ?? RawLines(approval.Form);
        var fields = new JsonArray();
        foreach (var line in lines.Take(MaxFields))
        {
            fields.Add(new JsonObject { ["is_short"] = true, ["text"] = Text(Clip($"{line.Label}: {line.Value}", MaxValueLength)) });
        }

        return fields;
    }

    private static IReadOnlyList<ApprovalFormLine> RawLines(string formJson)
    {
        using var form = JsonDocument.Parse(formJson);
        return form.RootElement.ValueKind != JsonValueKind.Object ? []
            : [.. form.RootElement.EnumerateObject().Select(f => new ApprovalFormLine(f.Name, ApprovalFormDisplay.Value(f.Value)))];
    }

    private static JsonObject Button(string text, string type, string action, string approvalId, string taskId) => new()
    {
        ["tag"] = "button",
        ["text"] = Text(text),
        ["type"] = type,
        ["value"] = new JsonObject { ["action"] = action, ["approval_id"] = approvalId, ["task_id"] = taskId },
    };

    private static JsonObject Text(string content) => new() { ["tag"] = "plain_text", ["content"] = content };

    /// <summary>
    /// How the request named the applicant (an email, a user id, a person id) when markdown shows it literally: only
    /// letters, digits and the few marks an address or id has; else null, and the card names only the kind.
    /// </summary>
    /// <summary>A person's name when markdown shows it literally: letters (any script), digits, spaces and a name's marks.</summary>
    private static string? NameInMarkdown(string? name) =>
        name is { Length: > 0 and <= MaxValueLength } && name.All(c => char.IsLetterOrDigit(c) || c is ' ' or '.' or '-' or '\'' or '·') ? name : null;

    private static string? PlainInMarkdown(string named) =>
        named.Length > 0 && named.All(c => char.IsAsciiLetterOrDigit(c) || c is '@' or '.' or '-' or '+' or '_') ? named : null;

    private static string Clip(string text, int length) =>
        text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");

    /// <summary>A reminder: who waits, since when (UTC), and that the card above still takes the decision.</summary>
    public static string Reminder(ApprovalRow approval, int number, DateTimeOffset pendingSince, ApprovalCardPlatform platform) => new JsonObject
    {
        ["config"] = new JsonObject { ["wide_screen_mode"] = true },
        ["header"] = new JsonObject
        {
            ["template"] = "orange",
            ["title"] = Text(Clip("Reminder: " + (approval.Title ?? approval.ApprovalName ?? "an approval") + " waits for you", 100)),
        },
        ["elements"] = new JsonArray
        {
            new JsonObject
            {
                ["tag"] = "div",
                ["text"] = Text(string.Create(CultureInfo.InvariantCulture,
                    $"Waiting for your decision since {pendingSince.UtcDateTime:yyyy-MM-dd HH:mm} UTC (reminder {number}). {(platform.Decides ? "Approve or reject it on the approval card, or" : "Approve or reject it")} in {platform.Display}'s approval app.")),
            },
        },
    }.ToJsonString();
}

/// <summary>How an approver's card looks on the approval's platform.</summary>
/// <param name="Display">The platform as sentences name it.</param>
/// <param name="Decides">True when the card's buttons decide the task (<see cref="IApprovalPlatform.DecidesFromCards"/>).</param>
/// <param name="Mentions">True when the card mentions the applicant by id (<see cref="IApprovalPlatform.MentionsInCards"/>).</param>
/// <param name="PageUrl">The platform's approval page of the instance, where the card links instead of deciding.</param>
internal sealed record ApprovalCardPlatform(string Display, bool Decides, bool Mentions, string? PageUrl);
