using System.Buffers.Text;
using System.Security.Cryptography;
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

    [Fact]
    public void A_hash_stored_with_another_iteration_count_verifies_by_its_own_count()
    {
        // As the Hub stored console passwords before they were hashed with one iteration.
        var salt = new byte[16];
        salt[0] = 7;
        var hash = Rfc2898DeriveBytes.Pbkdf2("3mQ-generated"u8, salt, 210_000, HashAlgorithmName.SHA256, 32);
        var stored = $"pbkdf2-sha256$210000${Base64Url.EncodeToString(salt)}${Base64Url.EncodeToString(hash)}";

        ConsolePasswordHash.Verify("3mQ-generated", stored).ShouldBeTrue();
        ConsolePasswordHash.Verify("3mQ-generatec", stored).ShouldBeFalse();
        ConsolePasswordHash.Verify("3mQ-generated", stored.Replace("$210000$", "$1$", StringComparison.Ordinal)).ShouldBeFalse();
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("md5$1$a$b")]
    [InlineData("pbkdf2-sha256$x$AAAA$AAAA")]
    public void A_malformed_stored_value_never_verifies(string stored) => ConsolePasswordHash.Verify("anything", stored).ShouldBeFalse();
}
