using System.Runtime.CompilerServices;
using Larkway.Feishu.Http;

namespace Larkway.Feishu.Docs;

/// <summary>A wiki node: a place in a space's tree pointing at a document (its <see cref="ObjToken"/> of <see cref="ObjType"/>).</summary>
public sealed record WikiNode(string NodeToken, string SpaceId, string ObjToken, string ObjType)
{
    /// <summary>Its title.</summary>
    public string? Title { get; init; }

    /// <summary>Its parent's token; null at the top of the space.</summary>
    public string? ParentNodeToken { get; init; }

    /// <summary>Whether it has children.</summary>
    public bool HasChild { get; init; }

    /// <summary>Whether it is a shortcut to a node elsewhere (then <see cref="OriginNodeToken"/> names it).</summary>
    public bool IsShortcut { get; init; }

    /// <summary>The node a shortcut points at.</summary>
    public string? OriginNodeToken { get; init; }

    /// <summary>When the document was last edited.</summary>
    public DateTimeOffset? ObjEditTime { get; init; }

    /// <summary>Its owner's id.</summary>
    public string? Owner { get; init; }

    /// <summary>Whether the node is a docx document.</summary>
    public bool IsDocx => ObjType == "docx";

    /// <summary>What the node holds as a person says it ("a sheet", "a mind note"); "something else" for a kind Feishu adds later.</summary>
    public string KindName => FeishuDocLinks.KindOfObjType(ObjType) is { } kind ? FeishuDocLinks.Name(kind) : "something else";
}

/// <summary>A wiki space.</summary>
public sealed record WikiSpace(string SpaceId, string? Name)
{
    /// <summary>Its description.</summary>
    public string? Description { get; init; }

    /// <summary><c>team</c>, <c>person</c> or <c>my_library</c>.</summary>
    public string? SpaceType { get; init; }

    /// <summary><c>public</c> or <c>private</c>.</summary>
    public string? Visibility { get; init; }
}

/// <summary>
/// The wiki (<c>/open-apis/wiki/v2</c>): resolve a node to the document it holds, list spaces and their nodes. A list page
/// may be empty while more follow (Feishu filters each page by permission after paging); the pageables go on.
/// </summary>
public class WikiClient
{
    private const string Spaces = "/open-apis/wiki/v2/spaces";
    private const string Space = Spaces + "/{space_id}";
    private const string Nodes = Space + "/nodes";
    private const string GetNode = Spaces + "/get_node";
    private const int MaxPageSize = 50;

    private readonly DocsCalls _calls = null!;

    /// <summary>For mocking.</summary>
    protected WikiClient()
    {
    }

    internal WikiClient(DocsCalls calls) => _calls = calls;

    /// <summary>
    /// The node of <paramref name="token"/> (<c>GET …/spaces/get_node</c>): a wiki node token (<c>…/wiki/&lt;token&gt;</c>), or a
    /// document's own token with its <paramref name="objType"/> (<c>docx</c>, <c>sheet</c>, …) to find where it sits in a wiki.
    /// </summary>
    /// <exception cref="FeishuApiException">
    /// <see cref="FeishuErrorCodes.WikiNotFound"/>; <see cref="FeishuErrorCodes.WikiPermissionDenied"/> (the caller is not a
    /// member of the space and may not read the node: with the tenant token, add the app to the space).
    /// </exception>
    public virtual async Task<WikiNode> GetNodeAsync(string token, string? objType = null, CancellationToken cancellationToken = default)
    {
        token = Im.Checks.Id(token, nameof(token), "the token of a wiki link (…/wiki/<token>)");
        var path = new Query(GetNode).Add("token", token).Add("obj_type", string.IsNullOrWhiteSpace(objType) ? null : objType.Trim());
        var data = await _calls.SendAsync(_calls.Request(HttpMethod.Get, path.ToString(), GetNode, DocsTier.None) with { Idempotent = true },
            DocsJsonContext.Wire.WikiNodeEnvelope, cancellationToken).ConfigureAwait(false);
        return data.Node is { } node ? Node(node) : throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, $"The response of GET {GetNode} has no node.");
    }

    /// <summary>The spaces the caller can see (<c>GET …/spaces</c>; up to 50 a page).</summary>
    public virtual FeishuPageable<WikiSpace> ListSpaces(int? pageSize = null, CancellationToken cancellationToken = default)
    {
        Im.Checks.PageSize(pageSize, MaxPageSize);
        return new FetchPageable<WikiSpace>(async (token, size, ct) =>
        {
            var path = new Query(Spaces).Add("page_size", size).Add("page_token", token);
            var data = await _calls.SendAsync(_calls.Request(HttpMethod.Get, path.ToString(), Spaces, DocsTier.None) with { Idempotent = true },
                DocsJsonContext.Wire.WikiSpacePageEnvelope, ct).ConfigureAwait(false);
            return new FeishuPage<WikiSpace>([.. (data.Items ?? []).Select(SpaceOf)], data.HasMore ? data.PageToken : null, data.HasMore);
        }, pageSize, cancellationToken);
    }

    /// <summary>A space (<c>GET …/spaces/{space_id}</c>).</summary>
    public virtual async Task<WikiSpace> GetSpaceAsync(string spaceId, CancellationToken cancellationToken = default)
    {
        spaceId = Im.Checks.Id(spaceId, nameof(spaceId), "a numeric space_id (…/wiki/settings/<space_id>)");
        var data = await _calls.SendAsync(_calls.Request(HttpMethod.Get, Space.Replace("{space_id}", Query.Segment(spaceId), StringComparison.Ordinal), Space, DocsTier.None) with { Idempotent = true },
            DocsJsonContext.Wire.WikiSpaceEnvelope, cancellationToken).ConfigureAwait(false);
        return data.Space is { } space ? SpaceOf(space) : throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, $"The response of GET {Space} has no space.");
    }

    /// <summary>The children of <paramref name="parentNodeToken"/> (null: the top of the space; <c>GET …/nodes</c>, up to 50 a page).</summary>
    public virtual FeishuPageable<WikiNode> ListNodes(string spaceId, string? parentNodeToken = null, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        spaceId = Im.Checks.Id(spaceId, nameof(spaceId), "a numeric space_id");
        Im.Checks.PageSize(pageSize, MaxPageSize);
        var route = Nodes.Replace("{space_id}", Query.Segment(spaceId), StringComparison.Ordinal);
        var parent = string.IsNullOrWhiteSpace(parentNodeToken) ? null : parentNodeToken.Trim();
        return new FetchPageable<WikiNode>(async (token, size, ct) =>
        {
            var path = new Query(route).Add("page_size", size).Add("page_token", token).Add("parent_node_token", parent);
            var data = await _calls.SendAsync(_calls.Request(HttpMethod.Get, path.ToString(), Nodes, DocsTier.None) with { Idempotent = true },
                DocsJsonContext.Wire.WikiNodePageEnvelope, ct).ConfigureAwait(false);
            return new FeishuPage<WikiNode>([.. (data.Items ?? []).Select(Node)], data.HasMore ? data.PageToken : null, data.HasMore);
        }, pageSize, cancellationToken);
    }

    /// <summary>
    /// Every node of the space, or of the subtree under <paramref name="parentNodeToken"/>, parents before their children
    /// (each level listed with <see cref="ListNodes"/>). Shortcuts are returned, not followed.
    /// </summary>
    public virtual async IAsyncEnumerable<WikiNode> WalkAsync(string spaceId, string? parentNodeToken = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var pending = new Stack<string?>();
        pending.Push(parentNodeToken);
        while (pending.Count > 0)
        {
            var parent = pending.Pop();
            var children = new List<WikiNode>();
            await foreach (var node in ListNodes(spaceId, parent, MaxPageSize, cancellationToken).ConfigureAwait(false))
            {
                yield return node;
                if (node.HasChild && !node.IsShortcut)
                {
                    children.Add(node);
                }
            }

            for (var i = children.Count - 1; i >= 0; i--)
            {
                pending.Push(children[i].NodeToken);
            }
        }
    }

    private static WikiNode Node(WikiNodeWire node) => new(node.NodeToken ?? "", node.SpaceId ?? "", node.ObjToken ?? "", node.ObjType ?? "")
    {
        Title = node.Title,
        ParentNodeToken = string.IsNullOrEmpty(node.ParentNodeToken) ? null : node.ParentNodeToken,
        HasChild = node.HasChild,
        IsShortcut = node.NodeType == "shortcut",
        OriginNodeToken = string.IsNullOrEmpty(node.OriginNodeToken) ? null : node.OriginNodeToken,
        ObjEditTime = DocsTime.FromSeconds(node.ObjEditTime),
        Owner = node.Owner,
    };

    private static WikiSpace SpaceOf(WikiSpaceWire space) => new(space.SpaceId ?? "", space.Name)
    {
        Description = space.Description,
        SpaceType = space.SpaceType,
        Visibility = space.Visibility,
    };
}

/// <summary>Drive and wiki times come as seconds since the epoch, in strings.</summary>
internal static class DocsTime
{
    public static DateTimeOffset? FromSeconds(string? seconds) =>
        long.TryParse(seconds, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0
            ? DateTimeOffset.FromUnixTimeSeconds(s)
            : null;
}
