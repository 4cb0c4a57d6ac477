using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Seed;
using Larkway.Emulator.Tests.Approval;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.State;

/// <summary>The state file: the tenant survives a restart, and a file that cannot be read is set aside, not lost.</summary>
public sealed class StateFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("larkway-emulator-state-").FullName;

    private string StateFile => Path.Combine(_folder, "emulator-state.json");

    [Fact]
    public async Task Messages_cards_a_pending_approval_and_tokens_survive_a_restart_without_the_seed_being_added_twice()
    {
        var clock = new ManualClock();
        string token, textId, cardId, instance, directChat;
        int chats, users;
        await using (var first = await StartAsync(clock))
        {
            token = await first.TenantTokenAsync();
            var alice = first.User("alice@example.com").OpenId;
            using (var text = await first.SendMessageAsync(token, "email", "alice@example.com", "text", new { text = "before the restart" }))
            {
                Assert.True(text.Code == 0, text.Text);
                textId = text.Data.GetProperty("message_id").GetString()!;
                directChat = text.Data.GetProperty("chat_id").GetString()!;
            }

            using (var card = await first.SendMessageAsync(token, "chat_id", first.GeneralChat.ChatId, "interactive", Card("Pay ACME")))
            {
                Assert.True(card.Code == 0, card.Text);
                cardId = card.Data.GetProperty("message_id").GetString()!;
            }

            instance = await ApprovalApi.CreateInstanceAsync(first, token, DefaultApprovals.PaymentCode, alice);
            (chats, users) = (first.State.Chats.Count, first.State.Users.Count);
        }

        await using var second = await StartAsync(clock);

        // The same tenant, not the seed on top of it.
        Assert.Equal(chats, second.State.Chats.Count);
        Assert.Equal(users, second.State.Users.Count);
        Assert.Equal(directChat, second.State.OpenDirectChat(second.Options.AppId, second.User("alice@example.com").OpenId).ChatId);
        Assert.Equal(chats, second.State.Chats.Count);
        Assert.Equal(2, second.Server.Approvals.Read(() => second.Server.Approvals.Definitions.Count()));

        // Messages in their chats, the card as it was sent; the token issued before still works.
        Assert.Equal(textId, Assert.Single(second.State.MessagesIn(directChat)).MessageId);
        Assert.Equal(cardId, second.State.MessagesIn(second.GeneralChat.ChatId).Last().MessageId);
        using (var read = await second.GetAsync($"/open-apis/im/v1/messages/{textId}", token))
        {
            Assert.True(read.Code == 0, read.Text);
            Assert.Contains("before the restart", read.Text, StringComparison.Ordinal);
        }

        var page = await second.Http.GetStringAsync($"/chats/{second.GeneralChat.ChatId}");
        Assert.Contains("Pay ACME", page, StringComparison.Ordinal);

        // The approval is still pending with Bob and goes on from where it was.
        var bob = second.User("bob@example.com").OpenId;
        var pending = await ApprovalApi.GetInstanceAsync(second, token, instance);
        Assert.Equal("PENDING", ApprovalApi.Status(pending));
        Assert.NotNull(ApprovalApi.PendingTask(pending, bob));
        await ApprovalApi.ApproveAsync(second, token, DefaultApprovals.PaymentCode, instance, bob);
        Assert.NotNull(ApprovalApi.PendingTask(await ApprovalApi.GetInstanceAsync(second, token, instance), second.User("carol@example.com").OpenId));

        // New messages carry on after the restored ones.
        using var after = await second.SendMessageAsync(token, "email", "alice@example.com", "text", new { text = "after" });
        Assert.Equal([textId, after.Data.GetProperty("message_id").GetString()], second.State.MessagesIn(directChat).Select(m => m.MessageId));
    }

    [Fact]
    public async Task A_change_is_written_soon_after_it_happens_not_only_at_stop()
    {
        await using var emulator = await StartAsync(new ManualClock(), o => o.StateSaveDelay = TimeSpan.FromMilliseconds(20));
        var token = await emulator.TenantTokenAsync();
        using var sent = await emulator.SendMessageAsync(token, "email", "bob@example.com", "text", new { text = "written while running" });
        var id = sent.Data.GetProperty("message_id").GetString()!;

        await WaitUntilAsync(() => File.Exists(StateFile) && ReadShared(StateFile).Contains(id, StringComparison.Ordinal), "the message in the state file");

        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
        using var document = JsonDocument.Parse(ReadShared(StateFile));
        Assert.Equal("larkway-emulator-state", document.RootElement.GetProperty("format").GetString());
    }

    [Theory]
    [InlineData("{ this is not json")]
    [InlineData("""{"format":"larkway-emulator-state","version":99}""")]
    [InlineData("""{"seed":"another kind of JSON file"}""")]
    public async Task An_unreadable_file_is_renamed_aside_and_the_start_goes_on_from_the_seed(string content)
    {
        await File.WriteAllTextAsync(StateFile, content);

        await using (var emulator = await StartAsync(new ManualClock()))
        {
            Assert.Equal(4, emulator.State.Users.Count);
            Assert.Contains(emulator.State.Chats, c => c.Name == "Larkway Dev");
        }

        var aside = Assert.Single(Directory.GetFiles(_folder, "emulator-state.json.corrupt-*"));
        Assert.Equal(content, await File.ReadAllTextAsync(aside));
        Assert.Equal("20260302T090000Z", aside[(aside.LastIndexOf("corrupt-", StringComparison.Ordinal) + "corrupt-".Length)..]);

        // A new, readable file took its place.
        await using var again = await StartAsync(new ManualClock());
        Assert.Single(Directory.GetFiles(_folder, "emulator-state.json.corrupt-*"));
    }

    [Fact]
    public async Task A_state_file_that_cannot_be_written_stops_the_start_with_a_sentence_naming_it()
    {
        var blocker = Path.Combine(_folder, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "a file where the folder should be");
        var path = Path.Combine(blocker, "emulator-state.json");

        var error = await Assert.ThrowsAsync<EmulatorStateFileException>(() => EmulatorServer.StartAsync(new EmulatorOptions { Port = 0, StateFile = path }));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_seed_file_is_read_only_when_there_is_no_state_file_yet()
    {
        var seed = Path.Combine(_folder, "seed.json");
        await File.WriteAllTextAsync(seed, """{"users":[{"name":"Eve","email":"eve@acme.test"}],"chats":[{"name":"Ops","owner":"eve@acme.test"}]}""");
        await using (var first = await StartAsync(new ManualClock(), o => o.SeedFile = seed))
        {
            var token = await first.TenantTokenAsync();
            using var sent = await first.SendMessageAsync(token, "chat_id", first.State.Chats.Single(c => c.Name == "Ops").ChatId, "text", new { text = "hi" });
            Assert.True(sent.Code == 0, sent.Text);
        }

        await File.WriteAllTextAsync(seed, """{"users":[{"name":"Eve","email":"eve@acme.test"},{"name":"Mallory","email":"mallory@acme.test"}]}""");
        await using var second = await StartAsync(new ManualClock(), o => o.SeedFile = seed);

        Assert.Null(second.State.FindUser("email", "mallory@acme.test"));
        Assert.Single(second.State.MessagesIn(second.State.Chats.Single(c => c.Name == "Ops").ChatId));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Task<TestEmulator> StartAsync(ManualClock clock, Action<EmulatorOptions>? configure = null) =>
        TestEmulator.StartAsync(o =>
        {
            o.StateFile = StateFile;
            configure?.Invoke(o);
        }, clock);

    private static object Card(string title) => new
    {
        config = new { update_multi = true },
        header = new { title = new { tag = "plain_text", content = title } },
        elements = new object[] { new { tag = "div", text = new { tag = "lark_md", content = "**Total** CNY 1,200" } } },
    };

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            try
            {
                await Task.Delay(20, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("Gave up waiting for " + what);
            }
        }
    }
}
