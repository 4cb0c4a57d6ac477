using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Docs;

/// <summary>
/// What a person does in the Feishu client, for the web page and the control API: change a paragraph's text, add a
/// paragraph at the end, rename, move to the trash, delete. Edits need the person's edit permission (1770032) and raise
/// the same events as the API's.
/// </summary>
internal static class PersonEdits
{
    /// <summary>Replaces a text-shaped block's content with one plain run (its style kept).</summary>
    public static void ReplaceText(DocsTransaction tx, DocFile file, string blockId, string text)
    {
        tx.Begin(file);
        var block = DocEdits.Block(file, blockId);
        if (!BlockRules.IsTextShaped(block.BlockType))
        {
            throw DocsErrors.Error(DocsErrors.OperationNotMatchBlock, $"block {blockId} (block_type {block.BlockType}) holds no text");
        }

        var data = (JsonObject)JsonNode.Parse(block.Data.GetRawText())!;
        data["elements"] = BlockRules.Elements(JsonSerializer.SerializeToElement(new[] { new { text_run = new { content = text } } }), "text");
        block.Data = JsonSerializer.SerializeToElement(data);
        if (block.BlockType == BlockRules.Page && file.Title != text)
        {
            file.Title = text;
            tx.TitleUpdated(file);
        }

        tx.Edited(file);
    }

    public static DocBlock Append(DocsTransaction tx, DocFile file, string text)
    {
        tx.Begin(file);
        var page = DocEdits.Page(file);
        var block = DocEdits.Add(file, page, BlockRules.Text, "text", BlockRules.PlainText(text), page.Children.Count);
        if (file.Blocks.Count > DocEdits.MaxBlocks)
        {
            throw DocsErrors.Error(DocsErrors.TooManyBlocks, $"document {file.Token} holds at most {DocEdits.MaxBlocks} blocks");
        }

        tx.Edited(file);
        return block;
    }

    public static void Rename(DocsTransaction tx, DocFile file, string title)
    {
        if (title == file.Title)
        {
            return;
        }

        tx.Begin(file);
        file.Title = title;
        if (file.Type == "docx")
        {
            DocEdits.Page(file).Data = BlockRules.PlainText(title, BlockRules.Page);
        }

        if (tx.Store.NodeOf(file) is { } node)
        {
            node.Title = title;
        }

        tx.TitleUpdated(file);
    }

    public static void Trash(DocsTransaction tx, DocFile file, bool delete)
    {
        file.Status = delete ? FileStatus.Deleted : FileStatus.Trashed;
        if (delete)
        {
            tx.Deleted(file);
        }
        else
        {
            tx.Trashed(file);
        }
    }

    /// <summary>A document a person may edit, else 1770032 naming the owner.</summary>
    public static DocFile Editable(DocsStore store, string token, EmulatorUser person, string appId) =>
        DocsAccess.Document(store, token, DocIdentity.Person(appId, person.OpenId), Perm.Edit);
}
