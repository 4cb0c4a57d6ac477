using Larkway.Feishu.Http;
using Larkway.Feishu.Json;

namespace Larkway.Feishu.Im;

/// <summary>Group chats: list, get, create, update, disband, search (<c>/open-apis/im/v1/chats</c>).</summary>
public class ChatsClient
{
    private const string Chats = "/open-apis/im/v1/chats";

    private readonly FeishuPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected ChatsClient()
    {
    }

    internal ChatsClient(FeishuPipeline pipeline) => _pipeline = pipeline;

    /// <summary>The group chats the caller (the bot, or the user) is in, lazily page by page (page size 1–100).</summary>
    public virtual FeishuPageable<ChatSummary> ListAsync(
        ChatSortOrder sort = ChatSortOrder.CreateTimeAscending, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        Checks.PageSize(pageSize, 100);
        return new FetchPageable<ChatSummary>(async (token, size, ct) =>
        {
            Checks.PageSize(size, 100);
            var path = new Query(Chats)
                .Add("sort_type", sort == ChatSortOrder.ActiveTimeDescending ? "ByActiveTimeDesc" : null)
                .Add("page_size", size)
                .Add("page_token", token);
            var data = await _pipeline.SendAsync(new FeishuRequest(HttpMethod.Get, path.ToString(), Chats), FeishuJson.Context.ChatPageEnvelope, ct).ConfigureAwait(false);
            return data.ToPage(c => c.ToSummary());
        }, pageSize, cancellationToken);
    }

    /// <summary>Searches the caller's chats by name (pinyin and prefix match), lazily page by page.</summary>
    /// <exception cref="ArgumentException">The query is empty (the platform would return nothing).</exception>
    public virtual FeishuPageable<ChatSummary> SearchAsync(string query, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            throw new ArgumentException("The search query is empty; Feishu returns nothing for it.", nameof(query));
        }

        Checks.PageSize(pageSize, 100);
        return new FetchPageable<ChatSummary>(async (token, size, ct) =>
        {
            var path = new Query(Chats + "/search").Add("query", query).Add("page_size", size).Add("page_token", token);
            var data = await _pipeline.SendAsync(new FeishuRequest(HttpMethod.Get, path.ToString(), Chats + "/search"), FeishuJson.Context.ChatPageEnvelope, ct).ConfigureAwait(false);
            return data.ToPage(c => c.ToSummary());
        }, pageSize, cancellationToken);
    }

    /// <summary>Gets a chat's details.</summary>
    public virtual async Task<FeishuChat> GetAsync(string chatId, CancellationToken cancellationToken = default)
    {
        chatId = Checks.Id(chatId, nameof(chatId), "oc_…");
        var request = new FeishuRequest(HttpMethod.Get, $"{Chats}/{Query.Segment(chatId)}", Chats + "/{chat_id}");
        var chat = await _pipeline.SendAsync(request, FeishuJson.Context.ChatEnvelope, cancellationToken).ConfigureAwait(false);
        return chat.ToModel(chatId);
    }

    /// <summary>
    /// Creates a chat. With a <paramref name="uuid"/>, the same uuid and owner create one chat per 10 hours,
    /// so the call may be retried; without, it is never retried.
    /// </summary>
    public virtual async Task<FeishuChat> CreateAsync(
        CreateChatRequest chat, string? uuid = null, UserIdType userIdType = UserIdType.OpenId, bool? setBotManager = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chat);
        if (chat.UserIdList is { Count: > 50 })
        {
            throw new ArgumentException($"UserIdList has {chat.UserIdList.Count} users; a chat is created with at most 50. Add the rest with ChatMembers.AddAsync.", nameof(chat));
        }

        if (chat.BotIdList is { Count: > 5 })
        {
            throw new ArgumentException($"BotIdList has {chat.BotIdList.Count} bots; a chat is created with at most 5.", nameof(chat));
        }

        if (uuid is { Length: > 50 })
        {
            throw new ArgumentException("The uuid must be at most 50 characters.", nameof(uuid));
        }

        var path = new Query(Chats).Add("user_id_type", Checks.Wire(userIdType)).Add("set_bot_manager", setBotManager).Add("uuid", uuid);
        var request = new FeishuRequest(HttpMethod.Post, path.ToString(), Chats)
        {
            Content = JsonBody.Create(chat, FeishuJson.Context.CreateChatRequest),
            Idempotent = !string.IsNullOrEmpty(uuid),
        };
        var created = await _pipeline.SendAsync(request, FeishuJson.Context.ChatEnvelope, cancellationToken).ConfigureAwait(false);
        return created.ToModel();
    }

    /// <summary>Changes a chat's settings (PUT; null fields stay as they are).</summary>
    public virtual Task UpdateAsync(string chatId, UpdateChatRequest changes, UserIdType userIdType = UserIdType.OpenId, CancellationToken cancellationToken = default)
    {
        chatId = Checks.Id(chatId, nameof(chatId), "oc_…");
        ArgumentNullException.ThrowIfNull(changes);
        if ((changes.AddMemberPermission is null) != (changes.ShareCardPermission is null))
        {
            throw new ArgumentException("AddMemberPermission and ShareCardPermission must be set together (only_owner with not_allowed, all_members with allowed).", nameof(changes));
        }

        var path = new Query($"{Chats}/{Query.Segment(chatId)}").Add("user_id_type", Checks.Wire(userIdType));
        var request = new FeishuRequest(HttpMethod.Put, path.ToString(), Chats + "/{chat_id}")
        {
            Content = JsonBody.Create(changes, FeishuJson.Context.UpdateChatRequest),
        };
        return _pipeline.SendAsync(request, cancellationToken);
    }

    /// <summary>Disbands a chat (the bot must own or have created it).</summary>
    public virtual Task DeleteAsync(string chatId, CancellationToken cancellationToken = default)
    {
        chatId = Checks.Id(chatId, nameof(chatId), "oc_…");
        return _pipeline.SendAsync(new FeishuRequest(HttpMethod.Delete, $"{Chats}/{Query.Segment(chatId)}", Chats + "/{chat_id}"), cancellationToken);
    }
}
