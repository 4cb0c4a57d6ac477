using Larkway.DingTalk.Robots;
using Larkway.DingTalk.Tests.TestSupport;

namespace Larkway.DingTalk.Tests.Robots;

public sealed class RobotSignatureTests
{
    public static TheoryData<string> SignVectors => DingTalkVectors.Ids(DingTalkVectors.Robot, "sign_vectors");

    public static TheoryData<string> CallbackVectors => DingTalkVectors.Ids(DingTalkVectors.OutgoingRobot, "header_vectors");

    [Theory]
    [MemberData(nameof(SignVectors))]
    public void A_custom_robot_webhook_is_signed_as_the_vector_says(string id)
    {
        var v = DingTalkVectors.ById(DingTalkVectors.Robot, "sign_vectors", id);
        var timestamp = long.Parse(v.Str("timestamp_ms"), System.Globalization.CultureInfo.InvariantCulture);
        var webhook = new Uri("https://oapi.dingtalk.com/robot/send?access_token=abc");

        var signed = DingTalkRobotSignature.SignWebhook(webhook, v.Str("secret"), DateTimeOffset.FromUnixTimeMilliseconds(timestamp));

        DingTalkRobotSignature.Sign(v.Str("secret"), timestamp).ShouldBe(v.Str("expected_sign_base64"));
        signed.AbsoluteUri.ShouldBe("https://oapi.dingtalk.com/robot/send?access_token=abc" + v.Str("expected_url_suffix"));
    }

    [Fact]
    public void A_webhook_without_a_query_gets_one()
    {
        var signed = DingTalkRobotSignature.SignWebhook(new Uri("https://robot.example/send"), "SEC1", DateTimeOffset.FromUnixTimeMilliseconds(1_577_262_236_757));

        signed.Query.ShouldStartWith("?timestamp=1577262236757&sign=");
        Should.Throw<ArgumentException>(() => DingTalkRobotSignature.SignWebhook(new Uri("/send", UriKind.Relative), "SEC1", DateTimeOffset.UnixEpoch))
            .Message.ShouldContain("absolute URL");
    }

    [Theory]
    [InlineData("neg-feishu-style")]
    [InlineData("neg-seconds-timestamp")]
    public void A_sign_made_another_way_does_not_match(string id)
    {
        var v = DingTalkVectors.ById(DingTalkVectors.Robot, "sign_negative_vectors", id);
        var timestamp = long.Parse(v.Str("timestamp_ms"), System.Globalization.CultureInfo.InvariantCulture);

        DingTalkRobotSignature.Sign(v.Str("secret"), timestamp).ShouldNotBe(v.Str("sign_presented_base64"));
        DingTalkRobotSignature.VerifyCallback(v.Str("timestamp_ms"), v.Str("sign_presented_base64"), v.Str("secret"), DateTimeOffset.FromUnixTimeMilliseconds(timestamp))
            .ShouldBe(DingTalkSignatureStatus.Mismatch);
    }

    [Theory]
    [MemberData(nameof(CallbackVectors))]
    public void An_outgoing_robot_callback_is_checked_as_the_vector_says(string id)
    {
        var v = DingTalkVectors.ById(DingTalkVectors.OutgoingRobot, "header_vectors", id);
        var headers = v.GetProperty("headers");
        var now = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(v.Str("now_ms"), System.Globalization.CultureInfo.InvariantCulture));

        var status = DingTalkRobotSignature.VerifyCallback(headers.Str("timestamp"), headers.Str("sign"), v.Str("app_secret"), now);

        status.ShouldBe(v.Str("expect") == "valid" ? DingTalkSignatureStatus.Valid : DingTalkSignatureStatus.Expired);
    }

    [Fact]
    public void An_outgoing_robot_callback_signed_with_another_secret_does_not_match()
    {
        var v = DingTalkVectors.ById(DingTalkVectors.OutgoingRobot, "header_negative_vectors", "neg-outgoing-wrong-secret");
        var headers = v.GetProperty("headers");
        var now = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(v.Str("now_ms"), System.Globalization.CultureInfo.InvariantCulture));

        DingTalkRobotSignature.VerifyCallback(headers.Str("timestamp"), headers.Str("sign"), v.Str("app_secret"), now).ShouldBe(DingTalkSignatureStatus.Mismatch);
    }

    [Theory]
    [InlineData(null, "c2lnbg==", DingTalkSignatureStatus.Missing)]
    [InlineData("1577262236757", "", DingTalkSignatureStatus.Missing)]
    [InlineData("-1577262236757", "c2lnbg==", DingTalkSignatureStatus.MalformedTimestamp)]
    [InlineData("1577262236757.5", "c2lnbg==", DingTalkSignatureStatus.MalformedTimestamp)]
    [InlineData("99999999999999999999999", "c2lnbg==", DingTalkSignatureStatus.MalformedTimestamp)]
    [InlineData("1577262236757", "not base64!", DingTalkSignatureStatus.Mismatch)]
    [InlineData("1577262236757", "fuFPPBhnPxpnNfyR4i8CiLS%2BjVFJ6duClV17qR%2Bcsak%3D", DingTalkSignatureStatus.Mismatch)]
    public void A_callback_with_bad_headers_says_which_check_failed(string? timestamp, string sign, DingTalkSignatureStatus expected)
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_577_262_300_000);

        DingTalkRobotSignature.VerifyCallback(timestamp, sign, "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789-_aBcDeFgHiJkLmNoPqRsTu", now).ShouldBe(expected);
    }

    [Fact]
    public void A_narrower_window_refuses_a_signature_DingTalks_hour_would_take_and_no_window_is_wider_than_the_hour()
    {
        const string secret = "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789-_aBcDeFgHiJkLmNoPqRsTu";
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_577_262_236_757);
        var signedAt = now - TimeSpan.FromMinutes(20);
        var timestamp = signedAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var sign = DingTalkRobotSignature.Sign(secret, signedAt.ToUnixTimeMilliseconds());

        DingTalkRobotSignature.VerifyCallback(timestamp, sign, secret, now).ShouldBe(DingTalkSignatureStatus.Valid);
        DingTalkRobotSignature.VerifyCallback(timestamp, sign, secret, now, TimeSpan.FromMinutes(5)).ShouldBe(DingTalkSignatureStatus.Expired);
        DingTalkRobotSignature.VerifyCallback(timestamp, sign, secret, now, TimeSpan.FromMinutes(30)).ShouldBe(DingTalkSignatureStatus.Valid);
        Should.Throw<ArgumentOutOfRangeException>(() => DingTalkRobotSignature.VerifyCallback(timestamp, sign, secret, now, TimeSpan.FromHours(2)));
        Should.Throw<ArgumentOutOfRangeException>(() => DingTalkRobotSignature.VerifyCallback(timestamp, sign, secret, now, TimeSpan.Zero));
    }
}
