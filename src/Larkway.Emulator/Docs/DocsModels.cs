using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Docs;

// Docs entities are mutable classes guarded by DocsStore's lock, like the bitable entities: an edit changes a document in
// several small steps, readers get JSON built under the same lock. They are also what the state file holds.

/// <summary>
/// A file of the drive: a docx document, a folder, or a placeholder of another kind a wiki node points at (sheet, …, no
/// content). <see cref="Owner"/> is an app (created with a tenant token) or a user (home open_id).
/// </summary>
internal sealed class DocFile
{
    public required string Token { get; init; }

    /// <summary><c>docx</c>, <c>folder</c>, or another drive type kept without content.</summary>
    public required string Type { get; init; }

    public required string Title { get; set; }

    public required ChangeActor Owner { get; set; }

    /// <summary>The drive folder holding it (null for wiki documents and root folders).</summary>
    public string? FolderToken { get; set; }

    /// <summary>The wiki space and node when the file lives in a wiki.</summary>
    public string? SpaceId { get; set; }

    public string? NodeToken { get; set; }

    /// <summary>A folder that is the root ("My Space") of its owner.</summary>
    public bool IsRoot { get; init; }

    public long CreatedTime { get; init; }

    public long ModifiedTime { get; set; }

    public ChangeActor? ModifiedBy { get; set; }

    /// <summary>Starts at 1, one more per edit (docx).</summary>
    public int RevisionId { get; set; } = 1;

    /// <summary><see cref="FileStatus.Live"/>, trashed or deleted (kept as a tombstone so reads answer 1770003).</summary>
    public FileStatus Status { get; set; } = FileStatus.Live;

    /// <summary>Every block of a docx (the Page first); order within a parent is the parent's <c>children</c>.</summary>
    public List<DocBlock> Blocks { get; set; } = [];

    /// <summary>Explicit collaborators (drive v1 permission members).</summary>
    public List<DocMember> Members { get; init; } = [];

    public DocPublic Public { get; set; } = new();

    /// <summary>Apps subscribed to the file's events (drive v1 files/:file_token/subscribe).</summary>
    public List<DocSubscription> Subscriptions { get; init; } = [];

    /// <summary>client_token claims of edits, newest last.</summary>
    public List<DocClientToken> ClientTokens { get; init; } = [];

    [JsonIgnore]
    public bool IsLive => Status == FileStatus.Live;
}

internal enum FileStatus
{
    Live,
    Trashed,
    Deleted,
}

/// <summary>
/// A block: its type number, the property key (<c>text</c>, <c>heading1</c>, <c>table</c>, …) and that property's JSON as
/// stored (normalized on write). A table's <c>cells</c> are its <see cref="Children"/>.
/// </summary>
internal sealed class DocBlock
{
    public required string BlockId { get; init; }

    public string? ParentId { get; set; }

    public List<string> Children { get; set; } = [];

    public required int BlockType { get; init; }

    public required string Key { get; init; }

    public required JsonElement Data { get; set; }

    public DocBlock Copy() => new() { BlockId = BlockId, ParentId = ParentId, Children = [.. Children], BlockType = BlockType, Key = Key, Data = Data };
}

/// <summary>
/// A collaborator: <see cref="Kind"/> user (home open_id), chat (chat_id), department (open_department_id) or app (app_id);
/// <see cref="MemberType"/> is how it was added (openid, email, openchat, …), which is how lists name it again.
/// </summary>
internal sealed record DocMember(string Kind, string Key, string MemberType, string Perm);

/// <summary>Public (share) settings, drive v2 names.</summary>
internal sealed class DocPublic
{
    public string ExternalAccessEntity { get; set; } = "closed";

    public string SecurityEntity { get; set; } = "anyone_can_view";

    public string CommentEntity { get; set; } = "anyone_can_view";

    public string ShareEntity { get; set; } = "anyone";

    public string ManageCollaboratorEntity { get; set; } = "collaborator_can_view";

    public string LinkShareEntity { get; set; } = "closed";

    public string CopyEntity { get; set; } = "anyone_can_view";

    public bool LockSwitch { get; set; }
}

/// <summary>An app subscribed to a file; <see cref="UserOpenId"/> when it subscribed with a user's token.</summary>
internal sealed record DocSubscription(string AppId, string? UserOpenId);

/// <summary>An edit done under a client_token: the same token again answers <see cref="Response"/> without editing.</summary>
internal sealed record DocClientToken(string Key, string Response);

/// <summary>A wiki space (知识空间): <see cref="SpaceId"/> is a numeric string.</summary>
internal sealed class WikiSpace
{
    public required string SpaceId { get; init; }

    public required string Name { get; set; }

    public string Description { get; set; } = string.Empty;

    /// <summary><c>public</c> (every user of the tenant may read) or <c>private</c> (members only).</summary>
    public string Visibility { get; set; } = "private";

    public List<SpaceMember> Members { get; init; } = [];

    public long CreatedTime { get; init; }
}

/// <summary>A space member: <see cref="Kind"/> user, chat, department or app; <see cref="Role"/> admin or member.</summary>
internal sealed record SpaceMember(string Kind, string Key, string Role);

/// <summary>A node of a wiki space (an origin node; shortcuts are not modelled), in its parent's order of creation.</summary>
internal sealed class WikiNode
{
    public required string NodeToken { get; init; }

    public required string SpaceId { get; init; }

    public required string ObjToken { get; init; }

    public required string ObjType { get; init; }

    public string ParentNodeToken { get; set; } = string.Empty;

    public required string Title { get; set; }

    public long CreatedTime { get; init; }

    public required ChangeActor Creator { get; init; }
}

/// <summary>What the docs store holds in the state file.</summary>
internal sealed record DocsSnapshot(IReadOnlyList<DocFile> Files, IReadOnlyList<WikiSpace> Spaces, IReadOnlyList<WikiNode> Nodes)
{
    public void Check()
    {
        var files = Files.Select(f => f.Token).ToHashSet(StringComparer.Ordinal);
        var spaces = Spaces.Select(s => s.SpaceId).ToHashSet(StringComparer.Ordinal);
        if (Nodes.FirstOrDefault(n => !spaces.Contains(n.SpaceId) || !files.Contains(n.ObjToken)) is { } orphan)
        {
            throw new InvalidDataException($"wiki node {orphan.NodeToken} names space {orphan.SpaceId} or object {orphan.ObjToken}, which the file does not have");
        }
    }
}

/// <summary>Token shapes: 27 letters and digits (document ids, node and folder tokens); space ids are 19 digits.</summary>
internal static class DocsIds
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string Token() => new(RandomNumberGenerator.GetItems<char>(Alphabet, 27));

    /// <summary>A block id: the same 27-character shape (the Page block's id is the document's).</summary>
    public static string BlockId() => Token();

    public static string SpaceId() => "7" + string.Concat(Enumerable.Range(0, 18).Select(_ => (char)('0' + RandomNumberGenerator.GetInt32(10))));

    /// <summary>A 27-character token derived from a name, so seeded and root-folder tokens are the same on every run.</summary>
    public static string Stable(string name)
    {
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name));
        return new string([.. Enumerable.Range(0, 27).Select(i => Alphabet[hash[i] % Alphabet.Length])]);
    }

    public static string StableSpaceId(string name)
    {
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("space:" + name));
        return "7" + string.Concat(hash.Take(18).Select(b => (char)('0' + (b % 10))));
    }

    public static bool IsToken(string? value) => value is { Length: 27 } && value.All(char.IsAsciiLetterOrDigit);
}
