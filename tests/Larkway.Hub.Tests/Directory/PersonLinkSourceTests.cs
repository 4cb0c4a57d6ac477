using System.Reflection;
using Larkway.Hub.Directory.Links;

namespace Larkway.Hub.Tests.Directory;

/// <summary>Issue 44 §2: the console's "Linked by" says how each link was made, for every source a link is stored with.</summary>
public sealed class PersonLinkSourceTests
{
    [Fact]
    public void Every_stored_source_has_words_of_its_own()
    {
        // Every constant, so a source added later without words fails here rather than borrow another's label.
        var declared = typeof(PersonLinkSource).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        PersonLinkSource.All.ShouldBe(declared, ignoreOrder: true);

        var words = declared.Select(PersonLinkSource.LinkedBy).ToList();
        words.ShouldBeUnique();
        words.ShouldNotContain(w => declared.Contains(w), "each source has words, not its stored value");
    }

    [Theory]
    [InlineData(PersonLinkSource.Self, "the person (/link with a one-time code)")]
    [InlineData(PersonLinkSource.Mobile, "mobile lookup")]
    [InlineData(PersonLinkSource.Email, "email lookup")]
    [InlineData(PersonLinkSource.Admin, "an administrator")]
    public void A_link_is_labelled_by_how_it_was_made(string source, string expected) =>
        PersonLinkSource.LinkedBy(source).ShouldBe(expected);
}
