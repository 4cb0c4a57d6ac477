using Larkway.Hub.Platform.Audit;

namespace Larkway.Hub.Tests.Platform;

/// <summary>Issue 44 §5: one wording for what became of a secret in every audit entry, so a create never reads as a change.</summary>
public sealed class AuditSecretTests
{
    [Theory]
    [InlineData(null, "sk-new", "set")]
    [InlineData("", "sk-new", "set")]
    [InlineData("sk-old", "sk-new", "changed")]
    [InlineData("sk-old", "sk-old", "kept")]
    [InlineData("sk-old", null, "removed")]
    [InlineData("sk-old", "", "removed")]
    [InlineData(null, null, "none")]
    public void A_secret_before_and_after_reads_as_one_word_never_the_secret(string? before, string? after, string expected) =>
        AuditSecret.Describe(before, after).ShouldBe(expected);
}
