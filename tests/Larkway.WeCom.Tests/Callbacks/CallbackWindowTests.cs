using System.Globalization;
using Larkway.WeCom.Callbacks;
using Microsoft.Extensions.Time.Testing;

namespace Larkway.WeCom.Tests.Callbacks;

/// <summary>The freshness window of a signed callback: 5 minutes either way by default, configurable, off with null.</summary>
public sealed class CallbackWindowTests
{
    private const string Token = "QDG6eK";
    private const string AesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-25T10:00:00Z", CultureInfo.InvariantCulture));

    [Fact]
    public void A_correctly_signed_callback_two_days_old_is_refused_saying_why()
    {
        var crypto = new WeComCallbackCrypto(Token, AesKey, "wwcorp", new WeComCallbackOptions { TimeProvider = _clock });
        var sent = Sealed(crypto, -TimeSpan.FromDays(2));

        var failure = Should.Throw<WeComCallbackException>(() => crypto.DecryptXml(sent.MsgSignature, sent.TimeStamp, sent.Nonce, sent.ToXml()));

        failure.Error.ShouldBe(WeComCallbackError.StaleTimestamp);
        failure.Message.ShouldContain("within 300 s");
        Should.Throw<WeComCallbackException>(() => crypto.VerifyUrl(sent.MsgSignature, sent.TimeStamp, sent.Nonce, sent.Encrypt)).Error.ShouldBe(WeComCallbackError.StaleTimestamp);
    }

    [Fact]
    public void The_default_window_is_five_minutes_either_way()
    {
        var crypto = new WeComCallbackCrypto(Token, AesKey, "wwcorp", new WeComCallbackOptions { TimeProvider = _clock });

        crypto.TimestampWindow.ShouldBe(WeComCallbackOptions.DefaultWindow);
        WeComCallbackOptions.DefaultWindow.ShouldBe(TimeSpan.FromMinutes(5));
        Opens(crypto, TimeSpan.FromMinutes(-5)).ShouldBeTrue();
        Opens(crypto, TimeSpan.FromMinutes(5)).ShouldBeTrue();
        Opens(crypto, TimeSpan.FromMinutes(-5) - TimeSpan.FromSeconds(1)).ShouldBeFalse();
        Opens(crypto, TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1)).ShouldBeFalse();
    }

    [Fact]
    public void The_window_is_configurable_and_null_turns_it_off()
    {
        var wide = new WeComCallbackCrypto(Token, AesKey, "wwcorp", new WeComCallbackOptions { TimestampWindow = TimeSpan.FromHours(1), TimeProvider = _clock });
        var off = new WeComCallbackCrypto(Token, AesKey, "wwcorp", new WeComCallbackOptions { TimestampWindow = null, TimeProvider = _clock });

        Opens(wide, TimeSpan.FromMinutes(-59)).ShouldBeTrue();
        Opens(wide, TimeSpan.FromMinutes(-61)).ShouldBeFalse();
        Opens(off, -TimeSpan.FromDays(400)).ShouldBeTrue();
        Should.Throw<ArgumentException>(() => new WeComCallbackCrypto(Token, AesKey, "wwcorp", new WeComCallbackOptions { TimestampWindow = TimeSpan.FromSeconds(-1) }));
    }

    [Fact]
    public void A_forged_signature_is_reported_as_such_whatever_its_timestamp()
    {
        var crypto = new WeComCallbackCrypto(Token, AesKey, "wwcorp", new WeComCallbackOptions { TimeProvider = _clock });
        var sent = Sealed(crypto, -TimeSpan.FromDays(2));

        Should.Throw<WeComCallbackException>(() => crypto.Decrypt(new string('0', 40), sent.TimeStamp, sent.Nonce, sent.Encrypt)).Error.ShouldBe(WeComCallbackError.ValidateSignature);
    }

    private WeComEncryptedMessage Sealed(WeComCallbackCrypto crypto, TimeSpan offset) =>
        crypto.Encrypt("<xml><ToUserName>wwcorp</ToUserName><FromUserName>mallory</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId></xml>",
            (_clock.GetUtcNow() + offset).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), "n1");

    private bool Opens(WeComCallbackCrypto crypto, TimeSpan offset)
    {
        var sent = Sealed(crypto, offset);
        try
        {
            crypto.Decrypt(sent.MsgSignature, sent.TimeStamp, sent.Nonce, sent.Encrypt);
            return true;
        }
        catch (WeComCallbackException ex) when (ex.Error == WeComCallbackError.StaleTimestamp)
        {
            return false;
        }
    }
}
