namespace Larkway.Hub.Feishu.Docs;

/// <summary>How the assistant reads the Feishu documents a question links, and writes answers into new ones (<c>Larkway:Feishu:Docs</c>).</summary>
public sealed class FeishuDocsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Larkway:Feishu:Docs";

    /// <summary>
    /// The Feishu app whose bot reads documents linked in questions asked on DingTalk or WeCom (a question asked on
    /// Feishu is read by the app that received it). Null: the Hub's only enabled Feishu app, when it has exactly one.
    /// </summary>
    public string? ReadingApp { get; set; }

    /// <summary>Hosts whose links count as Feishu document links beside feishu.cn, larksuite.com and larkoffice.com (an Emulator's, say).</summary>
    public List<string> LinkHosts { get; set; } = [];

    /// <summary>Links read from one question, at most (default 5); the others are named, not read.</summary>
    public int MaxLinksPerQuestion { get; set; } = 5;

    /// <summary>
    /// The folder (its token, from the folder's link) where <c>/doc</c> writes answers; the writing app's bot must be able
    /// to edit it. Null: the app's own space — the document is still shared with the person who asked.
    /// </summary>
    public string? AnswersFolder { get; set; }
}
