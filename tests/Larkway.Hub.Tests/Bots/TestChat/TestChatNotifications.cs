using System.Collections.Concurrent;
using System.Text.Json;
using Larkway.Hub.Apps;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Actions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Larkway.Hub.Tests.Bots.TestChat;

/// <summary>
/// testchat's part in notifications, as a room would add it: its apps stored through the platform registry, its channel
/// (recipient kind <c>testchat_userid</c>, its render rule, its refusals in its own codes) and its buttons' clicks handed to
/// the one click entry.
/// </summary>
internal static class TestChatNotifications
{
    /// <summary>The recipient kind of a testchat user.</summary>
    public const string RecipientType = "testchat_userid";

    public static IServiceCollection AddTestChatNotifications(this IServiceCollection services, TestChatUsers users)
    {
        services.AddSingleton(users);
        services.TryAddSingleton<TestChatClicks>();
        services.AddHubPlatformUnit(new TestChatHubPlatform()).Supply<INotificationChannel, TestChatNotificationChannel>();
        return services;
    }
}

/// <summary>testchat as the Apps room knows it: only what differs from the defaults.</summary>
internal sealed class TestChatHubPlatform : HubPlatformInfo
{
    public override string Name => TestChatPlatform.Platform;

    public override string DisplayName => "TestChat";

    public override Uri DefaultBaseUrl { get; } = new("https://api.testchat.example/");

    public override string AppIdExample => "tc_0001";
}

/// <summary>testchat's users as the platform would show them: the messages each received, and those it refuses to reach.</summary>
internal sealed class TestChatUsers
{
    private readonly ConcurrentDictionary<string, (int Code, string Message)> _refused = new(StringComparer.Ordinal);
    private int _sent;

    public ConcurrentQueue<(string App, string User, string Text, string Key, string MessageId)> Received { get; } = new();

    /// <summary>testchat answers every send to <paramref name="user"/> with this refusal.</summary>
    public void Refuse(string user, int code, string message) => _refused[user] = (code, message);

    /// <summary>A message to <paramref name="user"/>; the platform dedupes on the key, as Feishu's uuid does.</summary>
    public string Deliver(string app, string user, string text, string key)
    {
        if (_refused.TryGetValue(user, out var refusal))
        {
            throw new TestChatApiException(refusal.Code, refusal.Message, "trace-" + user);
        }

        if (Received.FirstOrDefault(r => r.App == app && r.Key == key) is { MessageId: { } earlier })
        {
            return earlier;
        }

        var messageId = "tcm_" + Interlocked.Increment(ref _sent).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Received.Enqueue((app, user, text, key, messageId));
        return messageId;
    }
}

/// <summary>A refusal as testchat's API gives it: its numeric code, its text, the trace id its support asks for.</summary>
internal sealed class TestChatApiException(int code, string message, string traceId) : Exception(message)
{
    /// <summary>testchat's "slow down".</summary>
    public const int TooManyRequests = 4290;

    /// <summary>testchat's "no such user in this team".</summary>
    public const int UserLeft = 4104;

    public int Code { get; } = code;

    public string TraceId { get; } = traceId;
}

/// <summary>
/// testchat's channel: a card shown as its title and text lines; a card with an image refused at submit (testchat shows
/// none); testchat's refusals recorded under its own code, its trace id as the log id, its rate refusal deferred.
/// </summary>
internal sealed class TestChatNotificationChannel(TestChatUsers users)
    : CardNotificationChannel(TestChatPlatform.Platform, "TestChat", RenderFailedCode)
{
    /// <summary>A card testchat cannot show (negative: not a testchat code).</summary>
    public const int RenderFailedCode = -901;


    public override IReadOnlyList<string> RecipientTypes { get; } = [TestChatNotifications.RecipientType];

    protected override string? WhyCardUnrenderable(string content) =>
        content.Contains("\"img\"", StringComparison.Ordinal) ? "TestChat shows no images: take the img element out." : null;

    protected override Task<ChannelOutcome.Sent> SendCardAsync(StoredApp app, NotificationRow notification, NotificationDeliveryRow delivery, CancellationToken cancellationToken)
    {
        var messageId = users.Deliver(app.Name, delivery.Recipient, CardText(notification.Content), $"n/{notification.Id}/{delivery.Id}/{notification.Version}");
        return Task.FromResult(new ChannelOutcome.Sent(messageId));
    }

    protected override PlatformRefusal? Refusal(Exception exception) => exception is TestChatApiException ex
        ? new(Larkway.Hub.Platform.Http.PlatformFailure.Numbered(TestChatPlatform.Platform, ex.Code, ex.Message, ex.TraceId), RateLimited: ex.Code == TestChatApiException.TooManyRequests, Transient: false, RetryAfter: null)
        : null;

    /// <summary>The card's title, as testchat shows a card.</summary>
    private static string CardText(string content)
    {
        using var card = JsonDocument.Parse(content);
        return card.RootElement.TryGetProperty("header", out var header) && header.TryGetProperty("title", out var title) && title.TryGetProperty("content", out var text)
            ? text.GetString() ?? ""
            : "";
    }
}

/// <summary>testchat's click callback, read: a press of a button on a message the Hub sent, handed to the one click entry.</summary>
internal sealed class TestChatClicks(NotificationCardActions actions)
{
    /// <summary>A press by <paramref name="user"/> of <paramref name="action"/> on the notification message <paramref name="delivery"/>.</summary>
    public Task<NotificationClickAnswer> PressAsync(string app, string user, string notificationId, long delivery, string action, string clickId, CancellationToken cancellationToken) =>
        actions.HandleClickAsync(new NotificationClick(TestChatPlatform.Platform, app, user, notificationId, delivery, action, clickId), cancellationToken);
}
