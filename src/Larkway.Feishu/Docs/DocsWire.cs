using System.Text.Json;
using System.Text.Json.Nodes;

namespace Larkway.Feishu.Docs;

// The wire shapes of docx v1, wiki v2 and drive v1/v2 (snake_case through DocsJsonContext). Blocks are read as
// JsonElement and mapped by DocxBlockReader: fifty-odd kinds, most of which are only passed through.

internal sealed class DocumentCreateBody
{
    public string? FolderToken { get; set; }

    public string? Title { get; set; }
}

internal sealed class DocumentData
{
    public DocumentWire? Document { get; set; }
}

internal sealed class DocumentWire
{
    public string? DocumentId { get; set; }

    public long RevisionId { get; set; }

    public string? Title { get; set; }
}

internal sealed class RawContentData
{
    public string? Content { get; set; }
}

internal sealed class BlockPageData
{
    public List<JsonElement>? Items { get; set; }

    public bool HasMore { get; set; }

    public string? PageToken { get; set; }
}

internal sealed class BlockData
{
    public JsonElement Block { get; set; }
}

internal sealed class DescendantData
{
    public List<JsonElement>? Children { get; set; }

    public long DocumentRevisionId { get; set; }

    public string? ClientToken { get; set; }

    public List<BlockIdRelation>? BlockIdRelations { get; set; }
}

internal sealed class BlockIdRelation
{
    public string? TemporaryBlockId { get; set; }

    public string? BlockId { get; set; }
}

internal sealed class BatchUpdateData
{
    public List<JsonElement>? Blocks { get; set; }

    public long DocumentRevisionId { get; set; }
}

internal sealed class DeleteChildrenBody
{
    public int StartIndex { get; set; }

    public int EndIndex { get; set; }
}

internal sealed class RevisionData
{
    public long DocumentRevisionId { get; set; }
}

internal sealed class WikiNodeData
{
    public WikiNodeWire? Node { get; set; }
}

internal sealed class WikiNodeWire
{
    public string? SpaceId { get; set; }

    public string? NodeToken { get; set; }

    public string? ObjToken { get; set; }

    public string? ObjType { get; set; }

    public string? ParentNodeToken { get; set; }

    public string? NodeType { get; set; }

    public string? OriginNodeToken { get; set; }

    public bool HasChild { get; set; }

    public string? Title { get; set; }

    public string? ObjEditTime { get; set; }

    public string? Owner { get; set; }
}

internal sealed class WikiSpaceData
{
    public WikiSpaceWire? Space { get; set; }
}

internal sealed class WikiSpaceWire
{
    public string? SpaceId { get; set; }

    public string? Name { get; set; }

    public string? Description { get; set; }

    public string? SpaceType { get; set; }

    public string? Visibility { get; set; }
}

internal sealed class DocsPageData<T>
{
    public List<T>? Items { get; set; }

    public bool HasMore { get; set; }

    public string? PageToken { get; set; }
}

internal sealed class MemberBody
{
    public string? MemberType { get; set; }

    public string? MemberId { get; set; }

    public string? Perm { get; set; }

    public string? PermType { get; set; }

    public string? Type { get; set; }
}

internal sealed class MemberData
{
    public MemberBody? Member { get; set; }
}

internal sealed class MembersData
{
    public List<MemberWire>? Items { get; set; }
}

internal sealed class MemberWire
{
    public string? MemberType { get; set; }

    public string? MemberId { get; set; }

    public string? Perm { get; set; }

    public string? PermType { get; set; }

    public string? Type { get; set; }

    public string? Name { get; set; }
}

internal sealed class MemberRemoveBody
{
    public string? Type { get; set; }

    public string? PermType { get; set; }
}

internal sealed class AuthData
{
    public bool AuthResult { get; set; }
}

internal sealed class OwnerBody
{
    public string? MemberType { get; set; }

    public string? MemberId { get; set; }
}

internal sealed class PublicData
{
    public PublicWire? PermissionPublic { get; set; }
}

internal sealed class PublicWire
{
    public string? ExternalAccessEntity { get; set; }

    public string? SecurityEntity { get; set; }

    public string? CommentEntity { get; set; }

    public string? ShareEntity { get; set; }

    public string? ManageCollaboratorEntity { get; set; }

    public string? LinkShareEntity { get; set; }

    public string? CopyEntity { get; set; }

    public bool? LockSwitch { get; set; }
}

internal sealed class FilesData
{
    public List<FileWire>? Files { get; set; }

    public bool HasMore { get; set; }

    public string? NextPageToken { get; set; }
}

internal sealed class FileWire
{
    public string? Token { get; set; }

    public string? Name { get; set; }

    public string? Type { get; set; }

    public string? ParentToken { get; set; }

    public string? Url { get; set; }

    public string? ModifiedTime { get; set; }

    public string? OwnerId { get; set; }
}

internal sealed class MetasBody
{
    public List<MetaRequest>? RequestDocs { get; set; }

    public bool WithUrl { get; set; }
}

internal sealed class MetaRequest
{
    public string? DocToken { get; set; }

    public string? DocType { get; set; }
}

internal sealed class MetasData
{
    public List<MetaWire>? Metas { get; set; }

    public List<MetaFailureWire>? FailedList { get; set; }
}

internal sealed class MetaWire
{
    public string? DocToken { get; set; }

    public string? DocType { get; set; }

    public string? Title { get; set; }

    public string? OwnerId { get; set; }

    public string? LatestModifyUser { get; set; }

    public string? LatestModifyTime { get; set; }

    public string? Url { get; set; }
}

internal sealed class MetaFailureWire
{
    public string? Token { get; set; }

    public int Code { get; set; }
}

internal sealed class RootFolderData
{
    public string? Token { get; set; }

    public string? Id { get; set; }

    public string? UserId { get; set; }
}

internal sealed class DocsSubscriptionData
{
    public bool IsSubscribe { get; set; }
}

/// <summary>A body built as a JSON tree (blocks, whose shape depends on their kind).</summary>
internal sealed class NodeBody(JsonObject node)
{
    public JsonObject Node { get; } = node;
}
