using System.Text.Json.Nodes;

namespace Larkway.Feishu.CustomBot;

/// <summary>One inline node of a rich-text (<c>post</c>) paragraph.</summary>
public sealed class PostElement
{
    private readonly JsonObject _json;

    private PostElement(JsonObject json) => _json = json;

    /// <summary>Plain text: <c>{"tag":"text","text":…}</c>. <paramref name="unEscape"/> decodes HTML entities.</summary>
    public static PostElement Text(string text, bool unEscape = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var json = new JsonObject { ["tag"] = "text", ["text"] = text };
        if (unEscape)
        {
            json["un_escape"] = true;
        }

        return new PostElement(json);
    }

    /// <summary>A link: <c>{"tag":"a","text":…,"href":…}</c>.</summary>
    public static PostElement Link(string text, string href)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        ArgumentException.ThrowIfNullOrEmpty(href);
        return new PostElement(new JsonObject { ["tag"] = "a", ["text"] = text, ["href"] = href });
    }

    /// <summary>An @mention by open_id or user_id (external groups: open_id only): <c>{"tag":"at","user_id":…}</c>.</summary>
    public static PostElement At(string userId, string? userName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var json = new JsonObject { ["tag"] = "at", ["user_id"] = userId };
        if (userName is not null)
        {
            json["user_name"] = userName;
        }

        return new PostElement(json);
    }

    /// <summary>@everyone (the group must allow it): <c>{"tag":"at","user_id":"all"}</c>.</summary>
    public static PostElement AtAll() => At("all");

    /// <summary>An image by image_key; it must be alone in its paragraph: <c>{"tag":"img","image_key":…}</c>.</summary>
    public static PostElement Image(string imageKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(imageKey);
        return new PostElement(new JsonObject { ["tag"] = "img", ["image_key"] = imageKey });
    }

    internal JsonObject ToJson() => (JsonObject)_json.DeepClone();
}
