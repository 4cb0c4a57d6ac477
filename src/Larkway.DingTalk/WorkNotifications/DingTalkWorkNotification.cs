using System.Text.Json;

namespace Larkway.DingTalk.WorkNotifications;

/// <summary>
/// A work notification (工作通知): a message the app sends into each recipient's "work notifications" conversation, as
/// <c>msg</c> of <c>asyncsend_v2</c>. Text, markdown, or an action card with one button or several.
/// </summary>
public sealed class DingTalkWorkNotification
{
    private readonly Action<Utf8JsonWriter> _write;

    private DingTalkWorkNotification(string type, Action<Utf8JsonWriter> write)
    {
        MessageType = type;
        _write = write;
    }

    /// <summary>The <c>msgtype</c>.</summary>
    public string MessageType { get; }

    /// <summary>Plain text.</summary>
    public static DingTalkWorkNotification Text(string content)
    {
        Required(content, "text.content");
        return new("text", w =>
        {
            w.WriteStartObject("text");
            w.WriteString("content", content);
            w.WriteEndObject();
        });
    }

    /// <summary>Markdown; <paramref name="title"/> is what the notification shows first.</summary>
    public static DingTalkWorkNotification Markdown(string title, string text)
    {
        Required(title, "markdown.title");
        Required(text, "markdown.text");
        return new("markdown", w =>
        {
            w.WriteStartObject("markdown");
            w.WriteString("title", title);
            w.WriteString("text", text);
            w.WriteEndObject();
        });
    }

    /// <summary>An action card with one button across its foot (<c>single_title</c> / <c>single_url</c>).</summary>
    public static DingTalkWorkNotification ActionCard(string title, string markdown, string buttonTitle, string buttonUrl)
    {
        Required(title, "action_card.title");
        Required(markdown, "action_card.markdown");
        Required(buttonTitle, "action_card.single_title");
        Url(buttonUrl, "action_card.single_url");
        return new("action_card", w =>
        {
            w.WriteStartObject("action_card");
            w.WriteString("title", title);
            w.WriteString("markdown", markdown);
            w.WriteString("single_title", buttonTitle);
            w.WriteString("single_url", buttonUrl);
            w.WriteEndObject();
        });
    }

    /// <summary>An action card with its own buttons (<c>btn_json_list</c>), stacked or side by side.</summary>
    public static DingTalkWorkNotification ActionCard(string title, string markdown, IReadOnlyList<Robots.DingTalkRobotButton> buttons,
        Robots.DingTalkButtonOrientation orientation = Robots.DingTalkButtonOrientation.Vertical)
    {
        Required(title, "action_card.title");
        Required(markdown, "action_card.markdown");
        ArgumentNullException.ThrowIfNull(buttons);
        if (buttons.Count == 0)
        {
            throw new ArgumentException("An action card with its own buttons needs at least one (action_card.btn_json_list).", nameof(buttons));
        }

        for (var i = 0; i < buttons.Count; i++)
        {
            Required(buttons[i]?.Title!, $"btn_json_list[{i}].title");
            Url(buttons[i].ActionUrl, $"btn_json_list[{i}].action_url");
        }

        var list = buttons.ToArray();
        return new("action_card", w =>
        {
            w.WriteStartObject("action_card");
            w.WriteString("title", title);
            w.WriteString("markdown", markdown);
            w.WriteString("btn_orientation", orientation == Robots.DingTalkButtonOrientation.Horizontal ? "1" : "0");
            w.WriteStartArray("btn_json_list");
            foreach (var button in list)
            {
                w.WriteStartObject();
                w.WriteString("title", button.Title);
                w.WriteString("action_url", button.ActionUrl);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    internal void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("msg");
        writer.WriteString("msgtype", MessageType);
        _write(writer);
        writer.WriteEndObject();
    }

    private static void Required(string value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"The work notification's {field} is required and cannot be blank.", field);
        }
    }

    private static void Url(string value, string field)
    {
        Required(value, field);
        if (!Uri.TryCreate(value, UriKind.Absolute, out _))
        {
            throw new ArgumentException($"The work notification's {field} must be an absolute URL, not '{value}'.", field);
        }
    }
}

/// <summary>Who gets a work notification: users (at most 100), departments (at most 20), or everyone.</summary>
public sealed record DingTalkWorkNotificationRecipients
{
    /// <summary>DingTalk's limit on user ids per send.</summary>
    public const int MaxUsers = 100;

    /// <summary>DingTalk's limit on department ids per send.</summary>
    public const int MaxDepartments = 20;

    /// <summary>User ids.</summary>
    public IReadOnlyList<string> UserIds { get; init; } = [];

    /// <summary>Department ids (their members get it).</summary>
    public IReadOnlyList<long> DepartmentIds { get; init; } = [];

    /// <summary>Everyone in the organisation (<c>to_all_user</c>).</summary>
    public bool Everyone { get; init; }

    /// <summary>Users by id.</summary>
    public static DingTalkWorkNotificationRecipients Users(params string[] userIds) => new() { UserIds = userIds };

    internal void ThrowIfInvalid()
    {
        if (!Everyone && UserIds.Count == 0 && DepartmentIds.Count == 0)
        {
            throw new ArgumentException("A work notification needs users, departments or Everyone.");
        }

        if (UserIds.Count > MaxUsers || DepartmentIds.Count > MaxDepartments)
        {
            throw new ArgumentException($"A work notification goes to at most {MaxUsers} users and {MaxDepartments} departments per send; got {UserIds.Count} and {DepartmentIds.Count}. Split the recipients.");
        }

        if (UserIds.Any(string.IsNullOrWhiteSpace) || UserIds.Any(id => id.Contains(',', StringComparison.Ordinal)))
        {
            throw new ArgumentException("A work notification's user ids cannot be blank or contain commas (they are sent comma-separated).");
        }
    }
}
