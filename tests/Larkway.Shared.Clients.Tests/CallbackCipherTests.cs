using System.Security.Cryptography;
using Larkway.Shared.Clients;

namespace Larkway.Shared.Clients.Tests;

public sealed class CallbackCipherTests
{
    private const string AesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    private static readonly byte[] Key = CallbackCipher.TryReadKey(AesKey)!;

    [Fact]
    public void What_is_sealed_opens_to_the_message_and_the_receiver_in_whole_32_byte_blocks()
    {
        var encrypt = CallbackCipher.Seal(Key, "你好, callback", "ww-corp", RandomNumberGenerator.GetBytes(16));

        Convert.FromBase64String(encrypt).Length.ShouldBe(64);
        CallbackCipher.Open(Key, encrypt, out var message, out var receiver, out _).ShouldBe(CallbackCipherFailure.None);
        message.ShouldBe("你好, callback");
        receiver.ShouldBe("ww-corp");
    }

    [Theory]
    [InlineData("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2")]
    [InlineData("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C=")]
    [InlineData("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2!")]
    public void A_key_that_is_not_43_base64_characters_reads_as_none(string aesKey) => CallbackCipher.TryReadKey(aesKey).ShouldBeNull();

    [Fact]
    public void The_signature_is_the_sha1_of_the_four_parts_sorted_and_matches_in_any_case()
    {
        var signature = CallbackCipher.Sign("token", "1409659813", "1372623149", "msg");

        signature.ShouldBe(CallbackCipher.Sign("token", "1372623149", "1409659813", "msg"));
        signature.Length.ShouldBe(40);
        CallbackCipher.SignatureMatches(signature, signature.ToUpperInvariant()).ShouldBeTrue();
        CallbackCipher.SignatureMatches(signature, CallbackCipher.Sign("other", "1409659813", "1372623149", "msg")).ShouldBeFalse();
    }

    [Fact]
    public void Damage_and_another_key_say_which_step_failed()
    {
        var encrypt = CallbackCipher.Seal(Key, "hello", "ww-corp", new byte[16]);
        var otherKey = CallbackCipher.TryReadKey("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFA")!;

        CallbackCipher.Open(Key, "not base64!", out _, out _, out _).ShouldBe(CallbackCipherFailure.NotBase64);
        CallbackCipher.Open(Key, Convert.ToBase64String(new byte[48]), out _, out _, out var detail).ShouldBe(CallbackCipherFailure.NotBlocks);
        detail.ShouldContain("48 bytes");
        CallbackCipher.Open(otherKey, encrypt, out _, out _, out _).ShouldBeOneOf(CallbackCipherFailure.BadPadding, CallbackCipherFailure.BadLength);
    }
}
