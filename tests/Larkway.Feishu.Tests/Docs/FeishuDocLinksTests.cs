using Larkway.Feishu.Docs;

namespace Larkway.Feishu.Tests.Docs;

/// <summary>Links to Feishu documents are found in what people write, whatever the host, kind or surrounding text.</summary>
public class FeishuDocLinksTests
{
    [Theory]
    [InlineData("https://acme.feishu.cn/docx/AbCdEfGhIjKlMnOpQrStUvWxYz1", FeishuDocKind.Docx, true)]
    [InlineData("https://acme.larksuite.com/wiki/AbCdEfGhIjKlMnOpQrStUvWxYz1?from=from_copylink", FeishuDocKind.Wiki, true)]
    [InlineData("https://acme.larkoffice.com/docs/doccnAbCdEfGhIjKlMnOp#part", FeishuDocKind.Doc, false)]
    [InlineData("https://acme.feishu.cn/sheets/shtcnAbCdEfGhIjKlMnOp", FeishuDocKind.Sheet, false)]
    [InlineData("https://acme.feishu.cn/base/bascnAbCdEfGhIjKlMnOp", FeishuDocKind.Base, false)]
    [InlineData("https://acme.feishu.cn/file/boxcnAbCdEfGhIjKlMnOp", FeishuDocKind.File, false)]
    [InlineData("https://acme.feishu.cn/slides/AbCdEfGhIjKlMnOpQrStUvWxYz1", FeishuDocKind.Slides, false)]
    [InlineData("https://acme.feishu.cn/mindnotes/bmncnAbCdEfGhIjKlMnOp", FeishuDocKind.Mindnote, false)]
    [InlineData("https://acme.feishu.cn/drive/folder/fldcnAbCdEfGhIjKlMnOp", FeishuDocKind.Folder, false)]
    [InlineData("https://my.feishu.cn/board/AbCdEfGhIjKlMnOpQrStUvWxYz1", FeishuDocKind.Board, false)]
    public void Each_kind_is_recognised_and_says_whether_it_can_be_read(string url, FeishuDocKind kind, bool readable)
    {
        var link = Assert.Single(FeishuDocLinks.Find("Please summarise " + url + " thanks"));

        Assert.Equal(kind, link.Kind);
        Assert.Equal(readable, link.IsReadable);
        Assert.DoesNotContain("?", link.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("#", link.Url, StringComparison.Ordinal);
    }

    [Fact]
    public void Links_in_chinese_text_markdown_and_escaped_json_are_found_once_each()
    {
        const string Docx = "https://acme.feishu.cn/docx/AbCdEfGhIjKlMnOpQrStUvWxYz1";
        var text = $"看看{Docx}，第三节说什么？ [again]({Docx}) and {{\"href\":\"https:\\/\\/acme.feishu.cn\\/wiki\\/WikiAbCdEfGhIjKlMnOpQrStU\"}}.";

        var links = FeishuDocLinks.Find(text);

        Assert.Equal([(FeishuDocKind.Docx, "AbCdEfGhIjKlMnOpQrStUvWxYz1"), (FeishuDocKind.Wiki, "WikiAbCdEfGhIjKlMnOpQrStU")], links.Select(l => (l.Kind, l.Token)));
    }

    [Theory]
    [InlineData("https://example.com/docx/AbCdEfGhIjKlMnOpQrStUvWxYz1")]
    [InlineData("https://feishu.cn.evil.com/docx/AbCdEfGhIjKlMnOpQrStUvWxYz1")]
    [InlineData("https://acme.feishu.cn/wiki/settings/7012345678901234567")]
    [InlineData("https://acme.feishu.cn/docx/short")]
    [InlineData("https://acme.feishu.cn/docx/")]
    [InlineData("https://acme.feishu.cn/messenger/")]
    [InlineData("ftp://acme.feishu.cn/docx/AbCdEfGhIjKlMnOpQrStUvWxYz1")]
    [InlineData("acme.feishu.cn/docx/AbCdEfGhIjKlMnOpQrStUvWxYz1")]
    public void What_is_not_a_document_link_is_not_one(string text) => Assert.Empty(FeishuDocLinks.Find(text));

    [Fact]
    public void A_host_the_caller_adds_is_accepted_and_others_stay_refused()
    {
        const string Emulated = "http://docs.localtest.me:5080/docx/AbCdEfGhIjKlMnOpQrStUvWxYz1";

        Assert.Empty(FeishuDocLinks.Find(Emulated));
        Assert.Equal(FeishuDocKind.Docx, Assert.Single(FeishuDocLinks.Find(Emulated, ["localtest.me"])).Kind);
        Assert.Empty(FeishuDocLinks.Find(null));
    }

    [Theory]
    [InlineData("docx", "a document")]
    [InlineData("doc", "an old-style document")]
    [InlineData("sheet", "a sheet")]
    [InlineData("bitable", "a base")]
    [InlineData("mindnote", "a mind note")]
    [InlineData("file", "a file")]
    [InlineData("slides", "slides")]
    [InlineData("whiteboard_v9", "something else")]
    public void A_wiki_nodes_obj_type_is_named_as_a_person_says_it(string objType, string said) =>
        Assert.Equal(said, new WikiNode("wikcnNode", "7000", "objToken", objType).KindName);
}
