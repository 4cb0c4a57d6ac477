using Larkway.Feishu.Http;
using Larkway.Feishu.Json;

namespace Larkway.Feishu.Im;

/// <summary>Chat members: add, remove, list, is-in-chat (<c>/open-apis/im/v1/chats/{chat_id}/members</c>).</summary>
public class ChatMembersClient
{
    private const string Template = "/open-apis/im/v1/chats/{chat_id}/members";
    private const int MaxIdsPerCall = 50;

    private readonly FeishuPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected ChatMembersClient()
    {
    }

    internal ChatMembersClient(FeishuPipeline pipeline) => _pipeline = pipeline;

    /// <summary>Adds users (or bots, with <see cref="MemberIdType.AppId"/>) to a chat; at most 50 users or 5 bots per call.</summary>
    public virtual async Task<AddChatMembersResult> AddAsync(
        string chatId, IEnumerable<string> ids, MemberIdType idType = MemberIdType.OpenId, AddMembersPolicy policy = AddMembersPolicy.Default,
        CancellationToken cancellationToken = default)
    {
        var path = new Query(Members(chatId)).Add("member_id_type", Checks.Wire(idType)).Add("succeed_type", (int)policy);
        var request = new FeishuRequest(HttpMethod.Post, path.ToString(), Template)
        {
            Content = JsonBody.Create(new MembersBody(Checks.IdList(ids, nameof(ids), idType == MemberIdType.AppId ? 5 : MaxIdsPerCall)), FeishuJson.Context.MembersBody),
        };
        var data = await _pipeline.SendAsync(request, FeishuJson.Context.AddMembersEnvelope, cancellationToken).ConfigureAwait(false);
        return new AddChatMembersResult(data.InvalidIdList ?? [], data.NotExistedIdList ?? [], data.PendingApprovalIdList ?? []);
    }

    /// <summary>Removes members (DELETE with a JSON body); returns the ids that could not be removed.</summary>
    public virtual async Task<IReadOnlyList<string>> RemoveAsync(
        string chatId, IEnumerable<string> ids, MemberIdType idType = MemberIdType.OpenId, CancellationToken cancellationToken = default)
    {
        var path = new Query(Members(chatId)).Add("member_id_type", Checks.Wire(idType));
        var request = new FeishuRequest(HttpMethod.Delete, path.ToString(), Template)
        {
            Content = JsonBody.Create(new MembersBody(Checks.IdList(ids, nameof(ids), idType == MemberIdType.AppId ? 5 : MaxIdsPerCall)), FeishuJson.Context.MembersBody),
        };
        var data = await _pipeline.SendAsync(request, FeishuJson.Context.RemoveMembersEnvelope, cancellationToken).ConfigureAwait(false);
        return data.InvalidIdList ?? [];
    }

    /// <summary>The chat's users (bots are never listed), lazily page by page (page size 1–100).</summary>
    /// <exception cref="ArgumentException"><see cref="MemberIdType.AppId"/>, which listing does not support.</exception>
    public virtual FeishuPageable<ChatMember> ListAsync(
        string chatId, MemberIdType idType = MemberIdType.OpenId, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        if (idType == MemberIdType.AppId)
        {
            throw new ArgumentException("Listing members does not support app_id: bots are never listed.", nameof(idType));
        }

        var basePath = Members(chatId);
        Checks.PageSize(pageSize, 100);
        return new FetchPageable<ChatMember>(async (token, size, ct) =>
        {
            Checks.PageSize(size, 100);
            var path = new Query(basePath).Add("member_id_type", Checks.Wire(idType)).Add("page_size", size).Add("page_token", token);
            var data = await _pipeline.SendAsync(new FeishuRequest(HttpMethod.Get, path.ToString(), Template), FeishuJson.Context.ChatMemberPageEnvelope, ct).ConfigureAwait(false);
            return data.ToPage(m => m.ToModel());
        }, pageSize, cancellationToken);
    }

    /// <summary>Whether the caller (the bot, or the user) is in the chat.</summary>
    public virtual async Task<bool> IsInChatAsync(string chatId, CancellationToken cancellationToken = default)
    {
        var request = new FeishuRequest(HttpMethod.Get, Members(chatId) + "/is_in_chat", Template + "/is_in_chat");
        var data = await _pipeline.SendAsync(request, FeishuJson.Context.IsInChatEnvelope, cancellationToken).ConfigureAwait(false);
        return data.IsInChat;
    }

    private static string Members(string chatId) => $"/open-apis/im/v1/chats/{Query.Segment(Checks.Id(chatId, nameof(chatId), "oc_…"))}/members";
}
