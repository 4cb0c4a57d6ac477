using System.Collections.Concurrent;
using Larkway.Feishu;
using Larkway.Feishu.Events.Models.Cards;
using Larkway.Feishu.Im;
using Larkway.Hub.Apps;
using Larkway.Hub.Feishu.Recipients;
using Larkway.Hub.Notifications;

namespace Larkway.Hub.Feishu.Notifications;

/// <summary>
/// Who may click a notification's card on Feishu: the click must come from a message the Hub sent for that notification, and
/// from the person it was sent to — by open_id, user_id or union_id as given, an email by the open_id it resolves to
/// (cached by the resolver), a chat by membership (listed through Feishu, cached for <see cref="MembershipLifetime"/>).
/// A signed callback alone proves neither: an old-style one is signed with the verification token, which is not secret
/// enough to decide on someone's behalf.
/// </summary>
internal sealed class FeishuNotificationClickers(IRecipientResolver resolver, IFeishuClientFactory apps, TimeProvider time)
{
    /// <summary>How long a chat's member list is trusted (someone removed from the chat may click for this long).</summary>
    public static readonly TimeSpan MembershipLifetime = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<(string App, string Chat), (HashSet<string> Members, DateTimeOffset Until)> _chats = new();

    /// <summary>The delivery whose message was clicked, or null when the message is not one the Hub sent for the notification.</summary>
    public static NotificationDeliveryRow? Clicked(IReadOnlyList<NotificationDeliveryRow> deliveries, string? messageId) =>
        string.IsNullOrEmpty(messageId) ? null : deliveries.FirstOrDefault(d => d.MessageId == messageId);

    /// <summary>Whether <paramref name="clicker"/> is the delivery's recipient, or a member of its chat.</summary>
    /// <exception cref="FeishuApiException">Feishu could not say (the email lookup or the member list failed).</exception>
    public async Task<bool> IsRecipientAsync(string appName, NotificationDeliveryRow delivery, Bots.CardClickOperator? clicker, CancellationToken cancellationToken)
    {
        if (clicker is null)
        {
            return false;
        }

        return delivery.RecipientType switch
        {
            "open_id" => Same(clicker.Id, delivery.Recipient),
            "user_id" => Same(clicker.UserId, delivery.Recipient),
            "union_id" => Same(clicker.UnionId, delivery.Recipient),
            "email" => clicker.Id is { Length: > 0 } openId
                && await resolver.ResolveAsync(appName, new NotificationRecipient("email", delivery.Recipient), cancellationToken).ConfigureAwait(false) is { Type: ReceiveIdType.OpenId } resolved
                && Same(openId, resolved.Value),
            "chat_id" => clicker.Id is { Length: > 0 } member && (await MembersAsync(appName, delivery.Recipient, cancellationToken).ConfigureAwait(false)).Contains(member),
            _ => false,
        };
    }

    private async Task<HashSet<string>> MembersAsync(string appName, string chatId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_chats.TryGetValue((appName, chatId), out var cached) && cached.Until > now)
        {
            return cached.Members;
        }

        var client = await apps.GetClientAsync(appName, cancellationToken).ConfigureAwait(false);
        var members = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var member in client.Im.ChatMembers.ListAsync(chatId, MemberIdType.OpenId, 100, cancellationToken).ConfigureAwait(false))
        {
            members.Add(member.MemberId);
        }

        _chats[(appName, chatId)] = (members, now + MembershipLifetime);
        return members;
    }

    private static bool Same(string? a, string b) => !string.IsNullOrEmpty(a) && string.Equals(a, b, StringComparison.Ordinal);
}
