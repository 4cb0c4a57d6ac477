using System.Diagnostics.CodeAnalysis;

namespace Larkway.Feishu.Im;

/// <summary>The kind of id a message is sent to (<c>receive_id_type</c>).</summary>
public enum ReceiveIdType
{
    /// <summary>A user's per-app id, <c>ou_…</c>.</summary>
    OpenId,

    /// <summary>A user's per-developer id, <c>on_…</c>.</summary>
    UnionId,

    /// <summary>A user's per-tenant id (needs the employee-id scope).</summary>
    UserId,

    /// <summary>A user's email address.</summary>
    Email,

    /// <summary>A group chat, <c>oc_…</c>.</summary>
    ChatId,
}

/// <summary>
/// Who a message goes to: an id and its kind. Create with <see cref="Chat"/>, <see cref="OpenId"/>,
/// <see cref="UnionId"/>, <see cref="UserId"/>, <see cref="Email"/>, or <see cref="Parse"/>
/// (<c>chat:oc_x</c>, <c>open_id:ou_x</c>, <c>user_id:x</c>, <c>union_id:on_x</c>, <c>email:a@b.c</c>).
/// Every way checks the value and says what to fix.
/// </summary>
public readonly record struct ReceiveId
{
    /// <summary>Creates a receiver after checking <paramref name="value"/> fits <paramref name="type"/>.</summary>
    /// <exception cref="ArgumentException">The value is empty or not an id of that kind.</exception>
    public ReceiveId(ReceiveIdType type, string value)
    {
        var problem = Check(type, value);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(value));
        }

        Type = type;
        Value = value.Trim();
    }

    /// <summary>The kind of id.</summary>
    public ReceiveIdType Type { get; }

    /// <summary>The id itself.</summary>
    public string Value { get; }

    /// <summary>The <c>receive_id_type</c> query value: open_id, union_id, user_id, email or chat_id.</summary>
    public string WireType => WireName(Type);

    /// <summary>A group chat (<c>oc_…</c>).</summary>
    public static ReceiveId Chat(string chatId) => new(ReceiveIdType.ChatId, chatId);

    /// <summary>A user by open_id (<c>ou_…</c>).</summary>
    public static ReceiveId OpenId(string openId) => new(ReceiveIdType.OpenId, openId);

    /// <summary>A user by union_id (<c>on_…</c>).</summary>
    public static ReceiveId UnionId(string unionId) => new(ReceiveIdType.UnionId, unionId);

    /// <summary>A user by tenant user_id.</summary>
    public static ReceiveId UserId(string userId) => new(ReceiveIdType.UserId, userId);

    /// <summary>A user by email address.</summary>
    public static ReceiveId Email(string address) => new(ReceiveIdType.Email, address);

    /// <summary>
    /// Parses <c>KIND:ID</c> where KIND is <c>chat</c> (or <c>chat_id</c>), <c>open_id</c>,
    /// <c>union_id</c>, <c>user_id</c> or <c>email</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The text is not of that form, or the id does not fit its kind.</exception>
    public static ReceiveId Parse(string text)
    {
        if (!TryParse(text, out var id, out var problem))
        {
            throw new ArgumentException(problem, nameof(text));
        }

        return id;
    }

    /// <summary>Like <see cref="Parse"/>, without throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out ReceiveId id) => TryParse(text, out id, out _);

    /// <summary>The form <see cref="Parse"/> reads, e.g. <c>chat:oc_x</c>.</summary>
    public override string ToString() => Value is null ? "" : $"{(Type == ReceiveIdType.ChatId ? "chat" : WireType)}:{Value}";

    internal static string WireName(ReceiveIdType type) => type switch
    {
        ReceiveIdType.OpenId => "open_id",
        ReceiveIdType.UnionId => "union_id",
        ReceiveIdType.UserId => "user_id",
        ReceiveIdType.Email => "email",
        ReceiveIdType.ChatId => "chat_id",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown receive id type."),
    };

    private const string Forms = "chat:oc_…, open_id:ou_…, union_id:on_…, user_id:… or email:name@example.com";

    private static bool TryParse(string? text, out ReceiveId id, [NotNullWhen(false)] out string? problem)
    {
        id = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = $"The receiver is empty; give one of {Forms}.";
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            problem = $"'{text}' has no kind; write it as {Forms}.";
            return false;
        }

        ReceiveIdType? type = text[..colon].Trim().ToLowerInvariant() switch
        {
            "chat" or "chat_id" => ReceiveIdType.ChatId,
            "open_id" => ReceiveIdType.OpenId,
            "union_id" => ReceiveIdType.UnionId,
            "user_id" => ReceiveIdType.UserId,
            "email" => ReceiveIdType.Email,
            _ => null,
        };
        if (type is null)
        {
            problem = $"'{text[..colon]}' is not a receiver kind; use {Forms}.";
            return false;
        }

        var value = text[(colon + 1)..];
        problem = Check(type.Value, value);
        if (problem is not null)
        {
            return false;
        }

        id = new ReceiveId(type.Value, value);
        return true;
    }

    private static string? Check(ReceiveIdType type, string? value)
    {
        var kind = WireName(type);
        if (string.IsNullOrWhiteSpace(value))
        {
            return $"The {kind} is empty.";
        }

        value = value.Trim();
        if (value.Any(char.IsWhiteSpace))
        {
            return $"The {kind} '{value}' contains whitespace.";
        }

        return type switch
        {
            ReceiveIdType.ChatId when !value.StartsWith("oc_", StringComparison.Ordinal) =>
                $"'{value}' is not a chat id: chat ids start with oc_.{Hint(value)}",
            ReceiveIdType.OpenId when !value.StartsWith("ou_", StringComparison.Ordinal) =>
                $"'{value}' is not an open_id: open_ids start with ou_.{Hint(value)}",
            ReceiveIdType.UnionId when !value.StartsWith("on_", StringComparison.Ordinal) =>
                $"'{value}' is not a union_id: union_ids start with on_.{Hint(value)}",
            ReceiveIdType.Email when !LooksLikeEmail(value) =>
                $"'{value}' is not an email address (expected name@example.com).",
            _ => null,
        };
    }

    // Points at the kind the value seems to be, when its prefix gives it away.
    private static string Hint(string value) =>
        value.StartsWith("oc_", StringComparison.Ordinal) ? " It looks like a chat id: use chat:" + value + "."
        : value.StartsWith("ou_", StringComparison.Ordinal) ? " It looks like an open_id: use open_id:" + value + "."
        : value.StartsWith("on_", StringComparison.Ordinal) ? " It looks like a union_id: use union_id:" + value + "."
        : value.Contains('@', StringComparison.Ordinal) ? " It looks like an email address: use email:" + value + "."
        : "";

    private static bool LooksLikeEmail(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != value.LastIndexOf('@') || at == value.Length - 1)
        {
            return false;
        }

        var domain = value[(at + 1)..];
        var dot = domain.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < domain.Length - 1 && !domain.Contains("..", StringComparison.Ordinal);
    }
}
