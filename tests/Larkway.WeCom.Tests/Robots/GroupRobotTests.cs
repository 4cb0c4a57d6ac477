using Larkway.WeCom.Robots;
using Larkway.WeCom.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Larkway.WeCom.Tests.Robots;

public sealed class GroupRobotTests
{
    private static readonly Uri Webhook = new("http://wecom.test/cgi-bin/webhook/send?key=robot-key-1");

    [Fact]
    public async Task A_send_posts_the_json_to_the_webhook_without_an_access_token()
    {
        var stub = new StubHandler().Reply("/cgi-bin/webhook/send", """{"errcode":0,"errmsg":"ok"}""");
        using var robot = new WeComGroupRobot(new WeComGroupRobotOptions { Webhook = Webhook }, handler: stub);

        await robot.SendAsync(WeComRobotMessage.Text("hello"));

        var sent = stub.To("/cgi-bin/webhook/send").Single();
        sent.Url.Query.ShouldBe("?key=robot-key-1");
        sent.Body.ShouldBe("""{"msgtype":"text","text":{"content":"hello"}}""");
        sent.ContentType.ShouldNotBeNull().ShouldStartWith("application/json");
    }

    [Fact]
    public async Task The_twenty_first_send_within_a_minute_is_held_by_the_client_and_never_reaches_wecom()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
        var stub = new StubHandler { Fallback = _ => new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent("""{"errcode":0,"errmsg":"ok"}""") } };
        using var robot = new WeComGroupRobot(new WeComGroupRobotOptions { Webhook = Webhook, MaxWait = TimeSpan.FromSeconds(5) }, timeProvider: time, handler: stub);

        for (var i = 0; i < 20; i++)
        {
            await robot.SendAsync(WeComRobotMessage.Text($"m{i}"));
        }

        var refused = await Should.ThrowAsync<WeComApiException>(() => robot.SendAsync(WeComRobotMessage.Text("m20")));

        refused.Code.ShouldBe(WeComErrorCodes.RateLimited);
        refused.RetryAfter.ShouldNotBeNull().ShouldBeGreaterThan(TimeSpan.FromSeconds(5));
        stub.Requests.Count.ShouldBe(20);
    }

    [Fact]
    public async Task After_wecom_refuses_a_send_for_its_rate_the_robot_is_held_for_a_minute_without_asking_wecom()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
        var stub = new StubHandler().Reply("/cgi-bin/webhook/send", """{"errcode":45009,"errmsg":"api freq out of limit"}""");
        stub.Fallback = _ => new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent("""{"errcode":0,"errmsg":"ok"}""") };
        var options = new WeComGroupRobotOptions { Webhook = Webhook, MaxWait = TimeSpan.FromMinutes(5), Retry = new WeComRetryOptions { MaxRetries = 0 } };
        using var robot = new WeComGroupRobot(options, timeProvider: time, handler: stub);

        (await Should.ThrowAsync<WeComApiException>(() => robot.SendAsync(WeComRobotMessage.Text("m0")))).Code.ShouldBe(WeComErrorCodes.RateLimited45009);
        time.Advance(TimeSpan.FromSeconds(45));
        var held = await Should.ThrowAsync<WeComApiException>(() => robot.SendAsync(WeComRobotMessage.Text("m1")));

        held.Code.ShouldBe(WeComErrorCodes.RateLimited);
        held.RetryAfter.ShouldBe(TimeSpan.FromSeconds(15));
        held.Message.ShouldContain("45009");
        stub.Requests.Count.ShouldBe(1);

        time.Advance(TimeSpan.FromSeconds(15));
        await robot.SendAsync(WeComRobotMessage.Text("m2"));
        stub.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_wrong_key_is_typed_with_what_to_fix()
    {
        var stub = new StubHandler().Reply("/cgi-bin/webhook/send", """{"errcode":93000,"errmsg":"invalid webhook url, hint: [r-1]"}""");
        using var robot = new WeComGroupRobot(new WeComGroupRobotOptions { Webhook = Webhook }, handler: stub);

        var failure = await Should.ThrowAsync<WeComApiException>(() => robot.SendAsync(WeComRobotMessage.Markdown("**x**")));

        failure.Code.ShouldBe(WeComErrorCodes.InvalidWebhookUrl);
        failure.Hint.ShouldNotBeNull().ShouldContain("webhook");
        failure.Message.ShouldNotContain("robot-key-1");
    }

    [Fact]
    public async Task A_file_is_uploaded_as_multipart_media_to_the_robots_upload_url()
    {
        var stub = new StubHandler().Reply("/cgi-bin/webhook/upload_media", """{"errcode":0,"errmsg":"ok","type":"file","media_id":"m-123","created_at":"1380000000"}""");
        using var robot = new WeComGroupRobot(new WeComGroupRobotOptions { Webhook = Webhook }, handler: stub);

        var media = await robot.UploadAsync("report.txt", "hello world"u8.ToArray());

        media.MediaId.ShouldBe("m-123");
        media.CreatedAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1380000000));
        var sent = stub.To("/cgi-bin/webhook/upload_media").Single();
        sent.Url.Query.ShouldBe("?key=robot-key-1&type=file");
        sent.ContentType.ShouldNotBeNull().ShouldStartWith("multipart/form-data");
        sent.Body.ShouldContain("name=\"media\"");
        sent.Body.ShouldContain("filename=\"report.txt\"");
        sent.Body.ShouldContain("filelength=11");
        sent.Body.ShouldContain("hello world");
    }

    [Fact]
    public void A_webhook_without_its_key_is_refused_at_once()
    {
        Should.Throw<ArgumentException>(() => new WeComGroupRobot(new WeComGroupRobotOptions { Webhook = new Uri("https://qyapi.weixin.qq.com/cgi-bin/webhook/send") }))
            .Message.ShouldContain("no key");
    }
}
