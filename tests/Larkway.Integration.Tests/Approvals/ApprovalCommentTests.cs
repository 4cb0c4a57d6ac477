using Larkway.Feishu.Approval;

namespace Larkway.Integration.Tests.Approvals;

/// <summary>Instance comments: create, edit, list, delete one, remove all.</summary>
public sealed class ApprovalCommentTests(ApprovalFixture fx) : IClassFixture<ApprovalFixture>
{
    [Fact]
    public async Task Comments_are_created_edited_listed_deleted_and_removed()
    {
        var definition = await fx.CreateDefinitionAsync();
        var code = await fx.StartAsync(definition);
        var comments = fx.Client.Approval.Comments;

        var first = await comments.CreateAsync(code, fx.BobId, new ApprovalCommentCreate { Text = "Which hotel?" });
        var second = await comments.CreateAsync(code, fx.AliceId, new ApprovalCommentCreate { Text = "The one by the lake" });
        var edited = await comments.CreateAsync(code, fx.AliceId, new ApprovalCommentCreate { Text = "The one by the station", CommentId = second });

        Assert.Equal(second, edited);
        var listed = await comments.ListAsync(code, fx.BobId).ToListAsync();
        Assert.Equal([(first, "Which hotel?"), (second, "The one by the station")], listed.Select(c => (c.Id, c.Text)));
        Assert.Equal(fx.BobId, listed[0].Commentator);
        var instance = await fx.Client.Approval.Instances.GetAsync(code);
        Assert.Equal(2, instance.Comments.Count);

        await comments.DeleteAsync(code, first, fx.BobId);
        var afterDelete = await comments.ListAsync(code, fx.BobId).ToListAsync();
        Assert.DoesNotContain(afterDelete, c => c.Id == first && !c.IsDeleted);

        await comments.RemoveAllAsync(code, fx.AliceId);
        var afterRemove = await comments.ListAsync(code, fx.BobId).ToListAsync();
        Assert.All(afterRemove, c => Assert.True(c.IsDeleted));
    }

    [Fact]
    public async Task Comments_page()
    {
        var definition = await fx.CreateDefinitionAsync();
        var code = await fx.StartAsync(definition);
        for (var i = 0; i < 3; i++)
        {
            await fx.Client.Approval.Comments.CreateAsync(code, fx.BobId, new ApprovalCommentCreate { Text = $"note {i}" });
        }

        var pages = await fx.Client.Approval.Comments.ListAsync(code, fx.BobId).AsPages(pageSize: 2).ToListAsync();

        Assert.Equal([2, 1], pages.Select(p => p.Items.Count));
        Assert.Equal(["note 0", "note 1", "note 2"], pages.SelectMany(p => p.Items).Select(c => c.Text));
    }
}
