using Larkway.Hub.Directory;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Notifications.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Larkway.Hub.Tests.Bots.TestChat;

/// <summary>
/// testchat's part in people, as a room would add it: how a person's testchat account is found (by a link only: testchat
/// has no contacts to ask) and how a person is reached there, which makes testchat a person's platform.
/// </summary>
internal static class TestChatPeople
{
    public static IServiceCollection AddTestChatPeople(this IServiceCollection services)
    {
        services.AddHubPlatformUnit(TestChatAssistant.Channel)
            .Supply<IPlatformAccounts, TestChatAccounts>()
            .Supply<IPersonAddressing, TestChatPersonAddressing>();
        return services;
    }
}

/// <summary>testchat's accounts: known through links only; a text goes to the users' inbox like a notification.</summary>
internal sealed class TestChatAccounts(TestChatUsers users) : IPlatformAccounts
{
    public Task<PlatformContact?> ContactAsync(string app, string userId, CancellationToken cancellationToken) => Task.FromResult<PlatformContact?>(null);

    public Task<string?> FindUserIdAsync(string app, string by, string value, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public Task SendTextAsync(string app, string userId, string text, CancellationToken cancellationToken)
    {
        users.Deliver(app, userId, text, "text/" + Guid.NewGuid().ToString("N"));
        return Task.CompletedTask;
    }
}

/// <summary>A person on testchat: their linked account under the sending app; the app is chosen by routing (no default app).</summary>
internal sealed class TestChatPersonAddressing : IPersonAddressing
{
    public bool HasDefaultApp => false;

    public PersonRoute? Route(PersonRow person, string? app, PersonAddressBook book) =>
        book.Links.FirstOrDefault() is { } linked ? new(TestChatPlatform.Platform, app, TestChatNotifications.RecipientType, linked.UserId) : null;
}
