using Larkway.Feishu.Http;
using Larkway.Feishu.Json;

namespace Larkway.Feishu.Im;

/// <summary>Messages: send, reply, edit, update cards, recall, get, history, read receipts, resources (<c>/open-apis/im/v1/messages</c>).</summary>
public class MessagesClient
{
    private const string Messages = "/open-apis/im/v1/messages";
    private const int MaxUuidLength = 50;

    private readonly FeishuPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected MessagesClient()
    {
    }

    internal MessagesClient(FeishuPipeline pipeline) => _pipeline = pipeline;

    /// <summary>
    /// Sends <paramref name="content"/> to <paramref name="to"/>. The <paramref name="uuid"/> idempotency
    /// key is generated when not given, so a retry never posts twice; it is returned on the result.
    /// </summary>
    /// <exception cref="FeishuApiException">The platform refused, or the content is over its size limit (<see cref="FeishuErrorCodes.InvalidRequest"/>, nothing sent).</exception>
    /// <exception cref="ArgumentException">A default <see cref="ReceiveId"/> or an over-long uuid.</exception>
    public virtual async Task<SentMessage> SendAsync(ReceiveId to, MessageContent content, string? uuid = null, CancellationToken cancellationToken = default)
    {
        if (to.Value is null)
        {
            throw new ArgumentException("The receiver is not set; create it with ReceiveId.Chat(…), ReceiveId.OpenId(…), ReceiveId.Email(…) or ReceiveId.Parse(…).", nameof(to));
        }

        ArgumentNullException.ThrowIfNull(content);
        content.EnsureWithinLimit();
        var key = Uuid(uuid);
        var request = new FeishuRequest(HttpMethod.Post, new Query(Messages).Add("receive_id_type", to.WireType).ToString(), Messages)
        {
            Content = JsonBody.Create(new SendMessageBody(to.Value, content.MessageType, content.ContentJson, key), FeishuJson.Context.SendMessageBody),
            Idempotent = true,
            MessageSendTo = to.ToString(),
        };
        var message = await _pipeline.SendAsync(request, FeishuJson.Context.MessageEnvelope, cancellationToken).ConfigureAwait(false);
        return new SentMessage(Remember(message.ToModel()), key);
    }

    /// <summary>Replies to <paramref name="messageId"/>, in its thread when <paramref name="replyInThread"/> is true.</summary>
    /// <param name="messageId">The message replied to (<c>om_…</c>).</param>
    /// <param name="content">The reply.</param>
    /// <param name="replyInThread">Reply in the message's thread rather than in the chat.</param>
    /// <param name="uuid">Idempotency key; generated when not given.</param>
    /// <param name="chatId">
    /// The chat the message is in, when known (events carry it): the reply is then held to that chat's
    /// 5/s limit together with the chat's other sends. Without it, the chat of a message this client has
    /// already seen is used; otherwise a refusal for the chat's limit (230020) is retried with back-off.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual async Task<SentMessage> ReplyAsync(
        string messageId, MessageContent content, bool replyInThread = false, string? uuid = null, string? chatId = null, CancellationToken cancellationToken = default)
    {
        messageId = Checks.Id(messageId, nameof(messageId), "om_…");
        ArgumentNullException.ThrowIfNull(content);
        content.EnsureWithinLimit();
        var key = Uuid(uuid);
        var path = $"{Messages}/{Query.Segment(messageId)}/reply";
        var request = new FeishuRequest(HttpMethod.Post, path, Messages + "/{message_id}/reply")
        {
            Content = JsonBody.Create(new ReplyMessageBody(content.MessageType, content.ContentJson, replyInThread ? true : null, key), FeishuJson.Context.ReplyMessageBody),
            Idempotent = true,

            // A reply lands in its parent's chat: paced with that chat's sends when the chat is known.
            MessageSendTo = (chatId ?? _pipeline.App.MessageChats.ChatOf(messageId)) is { Length: > 0 } chat ? ReceiveId.Chat(chat).ToString() : "reply:" + messageId,
        };
        var message = await _pipeline.SendAsync(request, FeishuJson.Context.MessageEnvelope, cancellationToken).ConfigureAwait(false);
        return new SentMessage(Remember(message.ToModel()), key);
    }

    /// <summary>Edits a text or post message the bot sent (PUT; at most 20 edits per message).</summary>
    /// <exception cref="ArgumentException">The content is neither text nor post.</exception>
    public virtual async Task<FeishuMessage> EditAsync(string messageId, MessageContent content, CancellationToken cancellationToken = default)
    {
        messageId = Checks.Id(messageId, nameof(messageId), "om_…");
        ArgumentNullException.ThrowIfNull(content);
        if (content is not (TextContent or PostContent))
        {
            throw new ArgumentException($"Only text and post messages can be edited, not {content.MessageType}; to change a card use UpdateCardAsync.", nameof(content));
        }

        content.EnsureWithinLimit();
        var request = new FeishuRequest(HttpMethod.Put, $"{Messages}/{Query.Segment(messageId)}", Messages + "/{message_id}")
        {
            Content = JsonBody.Create(new EditMessageBody(content.MessageType, content.ContentJson), FeishuJson.Context.EditMessageBody),
        };
        var message = await _pipeline.SendAsync(request, FeishuJson.Context.MessageEnvelope, cancellationToken).ConfigureAwait(false);
        return message.ToModel();
    }

    /// <summary>Replaces a sent card (PATCH). The card must declare <c>"update_multi": true</c> in its config, before and after.</summary>
    /// <exception cref="ArgumentException">The content is not a card.</exception>
    public virtual Task UpdateCardAsync(string messageId, MessageContent card, CancellationToken cancellationToken = default)
    {
        messageId = Checks.Id(messageId, nameof(messageId), "om_…");
        ArgumentNullException.ThrowIfNull(card);
        if (card.MessageType != "interactive")
        {
            throw new ArgumentException($"UpdateCardAsync takes a card (MessageContent.Card or .Template), not {card.MessageType}; to change text use EditAsync.", nameof(card));
        }

        card.EnsureWithinLimit();
        var request = new FeishuRequest(HttpMethod.Patch, $"{Messages}/{Query.Segment(messageId)}", Messages + "/{message_id}")
        {
            Content = JsonBody.Create(new UpdateCardBody(card.ContentJson), FeishuJson.Context.UpdateCardBody),

            // A full replacement: sending it twice leaves the same card.
            Idempotent = true,
        };
        return _pipeline.SendAsync(request, cancellationToken);
    }

    /// <summary>Recalls a message (DELETE).</summary>
    public virtual Task RecallAsync(string messageId, CancellationToken cancellationToken = default)
    {
        messageId = Checks.Id(messageId, nameof(messageId), "om_…");
        return _pipeline.SendAsync(new FeishuRequest(HttpMethod.Delete, $"{Messages}/{Query.Segment(messageId)}", Messages + "/{message_id}"), cancellationToken);
    }

    /// <summary>Gets one message.</summary>
    public virtual async Task<FeishuMessage> GetAsync(string messageId, CancellationToken cancellationToken = default)
    {
        var items = await GetItemsAsync(messageId, cancellationToken).ConfigureAwait(false);
        return items.Count > 0 ? items[0] : throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, $"The platform returned no item for message {messageId}.");
    }

    /// <summary>Gets a message with its items: for a merge-forward, the parent then its children.</summary>
    public virtual async Task<IReadOnlyList<FeishuMessage>> GetItemsAsync(string messageId, CancellationToken cancellationToken = default)
    {
        messageId = Checks.Id(messageId, nameof(messageId), "om_…");
        var request = new FeishuRequest(HttpMethod.Get, $"{Messages}/{Query.Segment(messageId)}", Messages + "/{message_id}");
        var data = await _pipeline.SendAsync(request, FeishuJson.Context.MessageItemsEnvelope, cancellationToken).ConfigureAwait(false);
        return (data.Items ?? []).Select(m => Remember(m.ToModel())).ToArray();
    }

    /// <summary>
    /// A chat's history, lazily page by page. <paramref name="start"/>/<paramref name="end"/> filter by
    /// creation time (sent in seconds); <paramref name="pageSize"/> is 1–50 (default 20).
    /// </summary>
    /// <exception cref="ArgumentException">Empty chat id, start after end, or a page size outside 1–50.</exception>
    public virtual FeishuPageable<FeishuMessage> ListAsync(
        string chatId, DateTimeOffset? start = null, DateTimeOffset? end = null, MessageSortOrder sort = MessageSortOrder.Ascending,
        int? pageSize = null, CancellationToken cancellationToken = default)
    {
        chatId = Checks.Id(chatId, nameof(chatId), "oc_…");
        Checks.PageSize(pageSize, 50);
        if (start > end)
        {
            throw new ArgumentException($"start ({start:O}) is after end ({end:O}).", nameof(start));
        }

        return new FetchPageable<FeishuMessage>(async (token, size, ct) =>
        {
            Checks.PageSize(size, 50);
            var path = new Query(Messages)
                .Add("container_id_type", "chat")
                .Add("container_id", chatId)
                .Add("start_time", start?.ToUnixTimeSeconds())
                .Add("end_time", end?.ToUnixTimeSeconds())
                .Add("sort_type", sort == MessageSortOrder.Descending ? "ByCreateTimeDesc" : "ByCreateTimeAsc")
                .Add("page_size", size)
                .Add("page_token", token);
            var data = await _pipeline.SendAsync(new FeishuRequest(HttpMethod.Get, path.ToString(), Messages), FeishuJson.Context.MessagePageEnvelope, ct).ConfigureAwait(false);
            return data.ToPage(m => m.ToModel());
        }, pageSize, cancellationToken);
    }

    /// <summary>Who has read a message the bot sent (within 7 days), paged.</summary>
    public virtual FeishuPageable<MessageReadUser> ListReadUsersAsync(
        string messageId, UserIdType userIdType = UserIdType.OpenId, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        messageId = Checks.Id(messageId, nameof(messageId), "om_…");
        Checks.PageSize(pageSize, 100);
        return new FetchPageable<MessageReadUser>(async (token, size, ct) =>
        {
            var path = new Query($"{Messages}/{Query.Segment(messageId)}/read_users")
                .Add("user_id_type", Checks.Wire(userIdType))
                .Add("page_size", size)
                .Add("page_token", token);
            var data = await _pipeline.SendAsync(new FeishuRequest(HttpMethod.Get, path.ToString(), Messages + "/{message_id}/read_users"), FeishuJson.Context.ReadUserPageEnvelope, ct).ConfigureAwait(false);
            return data.ToPage(u => u.ToModel());
        }, pageSize, cancellationToken);
    }

    /// <summary>Downloads an image or file of a message (≤ 100 MB; not stickers). Dispose the result.</summary>
    public virtual Task<FeishuDownload> GetResourceAsync(string messageId, string fileKey, MessageResourceType type, CancellationToken cancellationToken = default)
    {
        messageId = Checks.Id(messageId, nameof(messageId), "om_…");
        fileKey = Checks.Id(fileKey, nameof(fileKey), "file_v2_… or img_v3_…");
        var path = new Query($"{Messages}/{Query.Segment(messageId)}/resources/{Query.Segment(fileKey)}")
            .Add("type", type == MessageResourceType.Image ? "image" : "file");
        return _pipeline.DownloadAsync(new FeishuRequest(HttpMethod.Get, path.ToString(), Messages + "/{message_id}/resources/{file_key}"), cancellationToken);
    }

    private FeishuMessage Remember(FeishuMessage message)
    {
        _pipeline.App.MessageChats.Remember(message.MessageId, message.ChatId);
        return message;
    }

    private static string Uuid(string? uuid)
    {
        if (uuid is null)
        {
            return Guid.NewGuid().ToString("N");
        }

        if (string.IsNullOrWhiteSpace(uuid) || uuid.Length > MaxUuidLength)
        {
            throw new ArgumentException($"The uuid must be 1–{MaxUuidLength} characters (it was {uuid.Length}); leave it null to have one generated.", nameof(uuid));
        }

        return uuid;
    }
}
