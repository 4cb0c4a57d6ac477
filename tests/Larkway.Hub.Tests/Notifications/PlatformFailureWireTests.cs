using System.Net;
using System.Text.Json;
using Larkway.DingTalk;
using Larkway.Feishu;
using Larkway.Hub.DingTalk.Notifications;
using Larkway.Hub.Feishu;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Routing;
using Larkway.Hub.Platform.Http;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.WeCom;
using Larkway.Hub.WeCom.Notifications;
using Larkway.WeCom;
using Microsoft.AspNetCore.Builder;

namespace Larkway.Hub.Tests.Notifications;

/// <summary>
/// Every platform's delivery failure reaches the notifications API in one shape, <c>{platform, code, message,
/// request_id}</c>, with the platform's own code as it gave it: Feishu's and WeCom's numbers as numbers, DingTalk's string
/// code as a string; a row stored before codes were kept so still reads; a routed delivery's refusals in
/// <c>platforms_tried</c> carry the same shape.
/// </summary>
public sealed class PlatformFailureWireTests
{
    [Fact]
    public void A_Feishu_refusal_shows_its_numeric_code_and_its_log_id_as_the_request_id_and_as_the_deprecated_log_id()
    {
        var failure = FeishuFailures.From(new FeishuApiException(230013, "Bot has NO availability to this user.", HttpStatusCode.BadRequest, "202611281200-feishu"));

        var error = Shown(Delivery("open_id", failure)).GetProperty("error");

        error.GetProperty("platform").GetString().ShouldBe("feishu");
        error.GetProperty("code").ValueKind.ShouldBe(JsonValueKind.Number);
        error.GetProperty("code").GetInt32().ShouldBe(230013);
        error.GetProperty("message").GetString().ShouldBe("Bot has NO availability to this user.");
        error.GetProperty("request_id").GetString().ShouldBe("202611281200-feishu");
        error.GetProperty("log_id").GetString().ShouldBe("202611281200-feishu");
    }

    [Fact]
    public void A_DingTalk_refusal_shows_its_string_code_as_a_string_not_a_Hub_number()
    {
        var refusal = DingTalkNotificationChannel.RefusalOf(new DingTalkApiException("Forbidden.AccessDenied.AccessTokenPermissionDenied", "No permission to send.", HttpStatusCode.Forbidden, "req-dt-1"));

        var error = Shown(Delivery("dingtalk_userid", refusal.ShouldNotBeNull().Failure)).GetProperty("error");

        error.GetProperty("platform").GetString().ShouldBe("dingtalk");
        error.GetProperty("code").ValueKind.ShouldBe(JsonValueKind.String);
        error.GetProperty("code").GetString().ShouldBe("Forbidden.AccessDenied.AccessTokenPermissionDenied");
        error.GetProperty("message").GetString().ShouldBe("No permission to send.");
        error.GetProperty("request_id").GetString().ShouldBe("req-dt-1");

        // The old API's numeric errcode stays a number.
        DingTalkNotificationChannel.RefusalOf(new DingTalkApiException("40014", "invalid access_token")).ShouldNotBeNull().Failure.CodeElement.GetInt32().ShouldBe(40014);
    }

    [Fact]
    public void A_WeCom_refusal_shows_81013_as_a_number_in_the_error_and_in_platforms_tried()
    {
        var answered = WeComFailures.From(new WeComApiException("81013", "user & party & tag all invalid", null, "req-wc-1"));
        WeComNotificationChannel.RefusalOf(new WeComApiException("81013", "user & party & tag all invalid", null, "req-wc-1")).ShouldNotBeNull().Failure.ShouldBe(answered);

        // A person routed to WeCom first: WeCom answered 81013, the delivery moved on to DingTalk, which failed too.
        var delivery = Delivery("dingtalk_userid", PlatformFailure.Named("dingtalk", "invalidParameter", "bad userid", "req-dt-2"));
        delivery.PersonId = "per_1";
        delivery.PlatformsTried = RouteStep.Write([RouteStep.RefusedWith("wecom", answered), new("dingtalk")]);
        var shown = Shown(delivery);

        var tried = shown.GetProperty("platforms_tried").EnumerateArray().ToList();
        tried[0].GetProperty("outcome").GetString().ShouldBe("refused");
        tried[0].GetProperty("code").GetInt32().ShouldBe(81013);
        tried[0].GetProperty("error").GetProperty("platform").GetString().ShouldBe("wecom");
        tried[0].GetProperty("error").GetProperty("code").GetInt32().ShouldBe(81013);
        tried[0].GetProperty("error").GetProperty("request_id").GetString().ShouldBe("req-wc-1");
        tried[1].GetProperty("outcome").GetString().ShouldBe("failed");
        tried[1].GetProperty("code").GetString().ShouldBe("invalidParameter");
        shown.GetProperty("error").GetProperty("platform").GetString().ShouldBe("dingtalk");
    }

    [Fact]
    public void A_row_stored_before_codes_were_kept_as_given_reads_its_number_under_the_deliverys_platform()
    {
        var old = new NotificationDeliveryRow
        {
            NotificationId = "ntf_1", RecipientType = "wecom_userid", Recipient = "alice", State = WorkState.DeadLetter,
            ErrorCode = 60111, LastError = "userid not found", LogId = "req-old",
        };

        var error = Shown(old).GetProperty("error");

        error.GetProperty("platform").GetString().ShouldBe("wecom");
        error.GetProperty("code").GetInt32().ShouldBe(60111);
        error.GetProperty("request_id").GetString().ShouldBe("req-old");
    }

    /// <summary>A failed delivery, its columns as the sender records <paramref name="failure"/>.</summary>
    private static NotificationDeliveryRow Delivery(string recipientType, PlatformFailure failure) => new()
    {
        NotificationId = "ntf_1",
        RecipientType = recipientType,
        Recipient = "alice",
        State = WorkState.DeadLetter,
        Attempts = 1,
        ErrorCode = failure.Number is { } n ? (int)n : null,
        PlatformCode = failure.Code,
        ErrorPlatform = failure.Platform,
        LastError = failure.Message,
        LogId = failure.RequestId,
    };

    /// <summary>The recipient as <c>GET /api/v1/notifications/{id}</c> writes it.</summary>
    private static JsonElement Shown(NotificationDeliveryRow delivery)
    {
        var notification = new NotificationRow { Id = "ntf_1", Type = "po", IdempotencyKey = "k", MessageType = "card", Content = "{}", CreatedAt = DateTimeOffset.UnixEpoch };
        var dto = NotificationWire.ToDto(notification, [delivery]);
        var json = JsonSerializer.Serialize(dto, HubNotificationsJsonContext.Default.NotificationDto);
        return JsonDocument.Parse(json).RootElement.GetProperty("recipients")[0].Clone();
    }
}
