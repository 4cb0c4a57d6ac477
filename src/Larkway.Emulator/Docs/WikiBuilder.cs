using Larkway.Emulator.State;

namespace Larkway.Emulator.Docs;

/// <summary>Makes spaces, nodes and their documents (the control API, the seed); the wiki API itself only reads.</summary>
internal static class WikiBuilder
{
    public static WikiSpace Space(DocsTransaction tx, string name, string description, string visibility, string? spaceId = null)
    {
        var space = new WikiSpace { SpaceId = spaceId ?? DocsIds.SpaceId(), Name = name, Description = description, Visibility = visibility, CreatedTime = tx.Now };
        tx.Store.PutSpace(space);
        return space;
    }

    /// <summary>
    /// A node and its object: a docx written from <paramref name="content"/> (see <see cref="DocMarkdown"/>), or an empty
    /// placeholder of another type. Fixed tokens (the seed) keep the same ids on every run.
    /// </summary>
    public static WikiNode Node(DocsTransaction tx, WikiSpace space, WikiNode? parent, string title, string content, ChangeActor owner, string objType = "docx", string? nodeToken = null, string? objToken = null)
    {
        DocFile file;
        if (objType == "docx")
        {
            file = DocEdits.NewDocument(tx, title, owner, null, objToken);
            DocMarkdown.AppendTo(file, content);
        }
        else
        {
            file = new DocFile { Token = objToken ?? DocsIds.Token(), Type = objType, Title = title, Owner = owner, CreatedTime = tx.Now, ModifiedTime = tx.Now };
            tx.Store.PutFile(file);
        }

        var node = new WikiNode
        {
            NodeToken = nodeToken ?? DocsIds.Token(),
            SpaceId = space.SpaceId,
            ObjToken = file.Token,
            ObjType = objType,
            ParentNodeToken = parent?.NodeToken ?? string.Empty,
            Title = title,
            CreatedTime = tx.Now,
            Creator = owner,
        };
        file.SpaceId = space.SpaceId;
        file.NodeToken = node.NodeToken;
        tx.Store.PutNode(node);
        return node;
    }
}
