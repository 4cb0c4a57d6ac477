using Larkway.Hub.AdminConsole.Auth;

namespace Larkway.Hub.Tests.AdminConsole;

public sealed class ConsolePasswordHashTests
{
    [Fact]
    public void A_hash_verifies_its_password_only_and_is_salted()
    {
        var hash = ConsolePasswordHash.Hash("correct horse");

        hash.ShouldStartWith($"pbkdf2-sha256${ConsolePasswordHash.Iterations}$");
        hash.ShouldNotContain("correct horse");
        ConsolePasswordHash.Verify("correct horse", hash).ShouldBeTrue();
        ConsolePasswordHash.Verify("correct horsE", hash).ShouldBeFalse();
        ConsolePasswordHash.Hash("correct horse").ShouldNotBe(hash);
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("md5$1$a$b")]
    [InlineData("pbkdf2-sha256$x$AAAA$AAAA")]
    public void A_malformed_stored_value_never_verifies(string stored) => ConsolePasswordHash.Verify("anything", stored).ShouldBeFalse();
}
