using Larkway.Hub.Bots;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.Bots;

public sealed class DbBotConversationStoreTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static HubServices Services(TempDatabase db, ManualTimeProvider time) =>
        new(db.ConnectionString, time, services: s => s.AddSingleton<IBotConversationStore, DbBotConversationStore>());

    [Fact]
    public async Task A_question_survives_a_new_process_on_the_same_database_and_expires_on_time()
    {
        using var db = new TempDatabase();
        var time = new ManualTimeProvider(Start);
        await using (var first = Services(db, time))
        {
            var store = first.Provider.GetRequiredService<IBotConversationStore>();
            await store.SetAsync("", "oc_1", "ou_a", new BotConversation("feedback.text", new Dictionary<string, string> { ["topic"] = "coffee" }, Start.AddMinutes(30)), default);
        }

        await using var second = Services(db, time);
        var restarted = second.Provider.GetRequiredService<IBotConversationStore>();

        var found = await restarted.GetAsync("", "oc_1", "ou_a", default);
        found.ShouldNotBeNull();
        found.Step.ShouldBe("feedback.text");
        found.Values["topic"].ShouldBe("coffee");
        (await restarted.GetAsync("", "oc_1", "ou_b", default)).ShouldBeNull();
        (await restarted.GetAsync("", "oc_2", "ou_a", default)).ShouldBeNull();

        time.Advance(TimeSpan.FromMinutes(31));
        (await restarted.GetAsync("", "oc_1", "ou_a", default)).ShouldBeNull();
    }

    [Fact]
    public async Task Asking_again_replaces_the_question_and_removing_ends_it()
    {
        using var db = new TempDatabase();
        var time = new ManualTimeProvider(Start);
        await using var services = Services(db, time);
        var store = services.Provider.GetRequiredService<IBotConversationStore>();

        await store.SetAsync("", "oc_1", "ou_a", new BotConversation("one", new Dictionary<string, string>(), Start.AddMinutes(5)), default);
        await store.SetAsync("", "oc_1", "ou_a", new BotConversation("two", new Dictionary<string, string>(), Start.AddMinutes(5)), default);
        (await store.GetAsync("", "oc_1", "ou_a", default))!.Step.ShouldBe("two");

        await store.RemoveAsync("", "oc_1", "ou_a", default);
        (await store.GetAsync("", "oc_1", "ou_a", default)).ShouldBeNull();
    }
}
