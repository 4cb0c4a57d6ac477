using System.Text.Json;

namespace Larkway.DingTalk.Robots;

/// <summary>
/// A message of the app's own robot (企业机器人): a message template key (<c>msgKey</c>) and its parameters
/// (<c>msgParam</c>, sent as a JSON string). The factories pick the template and check its fields.
/// </summary>
public sealed class DingTalkAppRobotMessage
{
    /// <summary>DingTalk's limit on a group message's <c>msgParam</c>, in UTF-8 bytes.</summary>
    public const int MaxParamBytes = 15_000;

    private DingTalkAppRobotMessage(string key, Dictionary<string, string> parameters)
    {
        Key = key;
        Parameters = parameters;
        Param = JsonSerializer.Serialize(parameters, Json.DingTalkJsonContext.Default.DictionaryStringString);
        if (System.Text.Encoding.UTF8.GetByteCount(Param) > MaxParamBytes)
        {
            throw new ArgumentException($"The {key} message is {System.Text.Encoding.UTF8.GetByteCount(Param)} bytes of parameters; DingTalk takes at most {MaxParamBytes}. Shorten its text or split it.");
        }
    }

    /// <summary>The template key, e.g. <c>sampleMarkdown</c>.</summary>
    public string Key { get; }

    /// <summary>The template's parameters.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>The parameters as the JSON string DingTalk expects in <c>msgParam</c>.</summary>
    public string Param { get; }

    /// <summary>Plain text (<c>sampleText</c>).</summary>
    public static DingTalkAppRobotMessage Text(string content) => new("sampleText", new() { ["content"] = Required(content, "content") });

    /// <summary>Markdown (<c>sampleMarkdown</c>); <paramref name="title"/> is what notifications show.</summary>
    public static DingTalkAppRobotMessage Markdown(string title, string text) =>
        new("sampleMarkdown", new() { ["title"] = Required(title, "title"), ["text"] = Required(text, "text") });

    /// <summary>A picture by URL (<c>sampleImageMsg</c>).</summary>
    public static DingTalkAppRobotMessage Image(string photoUrl) => new("sampleImageMsg", new() { ["photoURL"] = Url(photoUrl, "photoURL") });

    /// <summary>A link card (<c>sampleLink</c>).</summary>
    public static DingTalkAppRobotMessage Link(string title, string text, string messageUrl, string pictureUrl) => new("sampleLink", new()
    {
        ["title"] = Required(title, "title"),
        ["text"] = Required(text, "text"),
        ["messageUrl"] = Url(messageUrl, "messageUrl"),
        ["picUrl"] = Url(pictureUrl, "picUrl"),
    });

    /// <summary>An action card with one button across its foot (<c>sampleActionCard</c>).</summary>
    public static DingTalkAppRobotMessage ActionCard(string title, string markdownText, string buttonTitle, string buttonUrl) => new("sampleActionCard", new()
    {
        ["title"] = Required(title, "title"),
        ["text"] = Required(markdownText, "text"),
        ["singleTitle"] = Required(buttonTitle, "singleTitle"),
        ["singleURL"] = Url(buttonUrl, "singleURL"),
    });

    /// <summary>
    /// An action card with 2 to 5 stacked buttons (<c>sampleActionCard2</c>…<c>5</c>, <c>actionTitleN</c> / <c>actionURLN</c>),
    /// or exactly 2 side by side (<c>sampleActionCard6</c>, <c>buttonTitleN</c> / <c>buttonUrlN</c>).
    /// </summary>
    public static DingTalkAppRobotMessage ActionCard(string title, string markdownText, IReadOnlyList<DingTalkRobotButton> buttons,
        DingTalkButtonOrientation orientation = DingTalkButtonOrientation.Vertical)
    {
        ArgumentNullException.ThrowIfNull(buttons);
        var horizontal = orientation == DingTalkButtonOrientation.Horizontal;
        if (horizontal ? buttons.Count != 2 : buttons.Count is < 2 or > 5)
        {
            throw new ArgumentException(horizontal
                ? $"Side-by-side buttons come in twos on DingTalk's app robot (sampleActionCard6); got {buttons.Count}."
                : $"An app robot's action card takes 2 to 5 stacked buttons (sampleActionCard2–5); got {buttons.Count}. Use the one-button overload for one.", nameof(buttons));
        }

        var parameters = new Dictionary<string, string> { ["title"] = Required(title, "title"), ["text"] = Required(markdownText, "text") };
        for (var i = 0; i < buttons.Count; i++)
        {
            var n = i + 1;
            var button = buttons[i] ?? throw new ArgumentException($"Button {n} is null.", nameof(buttons));
            parameters[horizontal ? $"buttonTitle{n}" : $"actionTitle{n}"] = Required(button.Title, $"buttons[{i}].title");
            parameters[horizontal ? $"buttonUrl{n}" : $"actionURL{n}"] = Url(button.ActionUrl, $"buttons[{i}].url");
        }

        return new DingTalkAppRobotMessage(horizontal ? "sampleActionCard6" : $"sampleActionCard{buttons.Count}", parameters);
    }

    private static string Required(string value, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"The app robot message's {field} is required and cannot be blank.", field) : value;

    private static string Url(string value, string field)
    {
        Required(value, field);
        return Uri.TryCreate(value, UriKind.Absolute, out _) ? value
            : throw new ArgumentException($"The app robot message's {field} must be an absolute URL, not '{value}'.", field);
    }
}
