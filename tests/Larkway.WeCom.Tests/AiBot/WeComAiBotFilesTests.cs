using System.Net;
using System.Security.Cryptography;
using Larkway.WeCom.AiBot;

namespace Larkway.WeCom.Tests.AiBot;

/// <summary>
/// Decrypting an AI bot file as WeCom encrypts it (AES-256-CBC, IV = the key's first 16 bytes, PKCS#7 to 32 bytes), and
/// the download's answers read from a stub handler: a wrong key or a broken padding is a clear error, never garbage bytes.
/// </summary>
public sealed class WeComAiBotFilesTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    [Theory]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(1000)]
    public void A_file_encrypted_with_its_key_decrypts_to_its_bytes_whatever_its_padding(int size)
    {
        var content = RandomNumberGenerator.GetBytes(size);

        WeComAiBotFiles.Decrypt(Encrypt(content, Key), Convert.ToBase64String(Key)).ShouldBe(content);
    }

    [Fact]
    public void An_EncodingAESKey_without_its_trailing_equals_sign_is_the_same_key()
    {
        var content = RandomNumberGenerator.GetBytes(100);
        var encodingAesKey = Convert.ToBase64String(Key).TrimEnd('=');
        encodingAesKey.Length.ShouldBe(43);

        WeComAiBotFiles.Decrypt(Encrypt(content, Key), encodingAesKey).ShouldBe(content);
    }

    [Fact]
    public void Another_key_fails_on_the_padding_with_a_clear_error()
    {
        var encrypted = Encrypt(RandomNumberGenerator.GetBytes(500), Key);

        // A wrong key can leave a last byte that looks like a pad by chance; over a few keys one at least must be refused,
        // and none may give back the file.
        var refusals = 0;
        for (var i = 0; i < 8; i++)
        {
            try
            {
                WeComAiBotFiles.Decrypt(encrypted, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))).Length.ShouldNotBe(500);
            }
            catch (WeComApiException ex)
            {
                ex.Code.ShouldBe(WeComErrorCodes.FileDecryptFailed);
                ex.Message.ShouldContain("padding is invalid");
                refusals++;
            }
        }

        refusals.ShouldBeGreaterThan(0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(33)]
    public void A_pad_byte_outside_1_to_32_is_refused(byte pad)
    {
        var plain = new byte[64];
        plain[^1] = pad;

        var ex = Should.Throw<WeComApiException>(() => WeComAiBotFiles.Decrypt(EncryptRaw(plain, Key), Convert.ToBase64String(Key)));

        ex.Code.ShouldBe(WeComErrorCodes.FileDecryptFailed);
    }

    [Fact]
    public void Pad_bytes_that_differ_are_refused()
    {
        var plain = new byte[64];
        plain.AsSpan(60).Fill(4);
        plain[61] = 3;

        Should.Throw<WeComApiException>(() => WeComAiBotFiles.Decrypt(EncryptRaw(plain, Key), Convert.ToBase64String(Key))).Code.ShouldBe(WeComErrorCodes.FileDecryptFailed);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQ=")]
    public void A_key_that_is_not_32_bytes_of_base64_is_refused_without_being_shown(string key)
    {
        var ex = Should.Throw<WeComApiException>(() => WeComAiBotFiles.Decrypt(new byte[32], key));

        ex.Code.ShouldBe(WeComErrorCodes.FileDecryptFailed);
        ex.Message.ShouldNotContain(key);
    }

    [Fact]
    public void A_body_that_is_not_whole_AES_blocks_is_refused()
    {
        Should.Throw<WeComApiException>(() => WeComAiBotFiles.Decrypt(new byte[33], Convert.ToBase64String(Key))).Code.ShouldBe(WeComErrorCodes.FileDecryptFailed);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, WeComErrorCodes.FileExpired, false)]
    [InlineData(HttpStatusCode.BadGateway, WeComErrorCodes.NetworkError, true)]
    public async Task A_refused_download_says_why_without_the_urls_query(HttpStatusCode status, string code, bool transient)
    {
        using var http = new HttpClient(new Stub(_ => new HttpResponseMessage(status)));

        var ex = await Should.ThrowAsync<WeComApiException>(() => new WeComAiBotFiles(http).DownloadAsync("https://wework.example/file?sign=SECRET", Convert.ToBase64String(Key)));

        (ex.Code, ex.IsTransient).ShouldBe((code, transient));
        ex.Message.ShouldNotContain("SECRET");
    }

    [Fact]
    public async Task A_download_announced_over_the_limit_is_refused_before_it_is_read()
    {
        var read = false;
        using var http = new HttpClient(new Stub(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(new ReadSpy(() => read = true)) { Headers = { ContentLength = 10_000 } },
        }));

        var ex = await Should.ThrowAsync<WeComApiException>(() => new WeComAiBotFiles(http).DownloadAsync("https://wework.example/f", Convert.ToBase64String(Key), maxBytes: 1000));

        ex.Code.ShouldBe(WeComErrorCodes.FileTooLarge);
        read.ShouldBeFalse();
    }

    private static byte[] Encrypt(byte[] content, byte[] key)
    {
        var pad = 32 - (content.Length % 32);
        var padded = new byte[content.Length + pad];
        content.CopyTo(padded, 0);
        padded.AsSpan(content.Length).Fill((byte)pad);
        return EncryptRaw(padded, key);
    }

    private static byte[] EncryptRaw(byte[] padded, byte[] key)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        return aes.EncryptCbc(padded, key.AsSpan(0, 16), PaddingMode.None);
    }

    private sealed class Stub(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(answer(request));
    }

    private sealed class ReadSpy(Action onRead) : MemoryStream(new byte[10_000])
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            onRead();
            return base.Read(buffer, offset, count);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            onRead();
            return base.ReadAsync(buffer, cancellationToken);
        }
    }
}
