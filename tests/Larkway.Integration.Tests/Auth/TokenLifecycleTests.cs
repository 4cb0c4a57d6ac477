using System.Net;
using Larkway.Emulator.Hosting;
using Larkway.Feishu;
using Larkway.Feishu.Im;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Auth;

/// <summary>Tokens that die, rotate or were never valid (each test has its own Emulator: expiry is global).</summary>
public sealed class TokenLifecycleTests
{
    [Fact]
    public async Task Tokens_expired_mid_run_are_refetched_once_and_every_call_still_succeeds()
    {
        var fixture = new EmulatorFixture();
        await fixture.InitializeAsync();
        try
        {
            using var recorder = new RecordingHandler();
            using var client = fixture.CreateClient(recorder);
            var chatId = fixture.GeneralChat.ChatId;

            for (var i = 0; i < 3; i++)
            {
                Assert.True(await client.Im.ChatMembers.IsInChatAsync(chatId));
            }

            await fixture.Control.ExpireTokensAsync();

            for (var i = 0; i < 3; i++)
            {
                Assert.True(await client.Im.ChatMembers.IsInChatAsync(chatId));
            }

            Assert.Equal(2, recorder.TokenRequests);
            var calls = recorder.To("GET", $"/open-apis/im/v1/chats/{chatId}/members/is_in_chat");

            // Six calls, one of which was rejected (99991663) and sent again with the new token.
            Assert.Equal(7, calls.Count);
            var rejected = Assert.Single(calls, c => c.Code == FeishuErrorCodes.TenantAccessTokenInvalid);
            Assert.Equal(2, calls.Select(c => c.Bearer).Distinct().Count());
            Assert.NotEqual(rejected.Bearer, calls[^1].Bearer);
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }

    [Fact]
    public async Task Token_rotation_on_a_shared_clock_refreshes_early_and_the_old_token_lives_until_its_expiry()
    {
        var clock = new ShiftableTimeProvider();
        var options = new EmulatorOptions { Port = 0, TimeProvider = clock };
        await using var emulator = await EmulatorServer.StartAsync(options);
        using var control = new EmulatorControl(emulator.BaseUrl);
        using var recorder = new RecordingHandler();
        using var client = new FeishuClient(
            new FeishuAppOptions { AppId = options.AppId, AppSecret = options.AppSecret, BaseUrl = emulator.BaseUrl }, timeProvider: clock, handler: recorder);
        var chatId = emulator.State.Chats[0].ChatId;
        var path = $"/open-apis/im/v1/chats/{chatId}/members/is_in_chat";

        await client.Im.ChatMembers.IsInChatAsync(chatId);
        var first = recorder.To("GET", path)[^1].Bearer!;

        // 60 minutes in: an hour left, well outside the client's refresh margin: no new fetch.
        clock.Advance(TimeSpan.FromMinutes(60));
        await client.Im.ChatMembers.IsInChatAsync(chatId);
        Assert.Equal(1, recorder.TokenRequests);
        Assert.Equal(first, recorder.To("GET", path)[^1].Bearer);

        // 118 minutes in: 2 minutes left, inside the 3-minute margin: the client refreshes before expiry,
        // and the Emulator mints a new token because less than 30 minutes are left.
        clock.Advance(TimeSpan.FromMinutes(58));
        await client.Im.ChatMembers.IsInChatAsync(chatId);
        Assert.Equal(2, recorder.TokenRequests);
        var second = recorder.To("GET", path)[^1].Bearer!;
        Assert.NotEqual(first, second);
        Assert.DoesNotContain(recorder.Calls, c => c.Code == FeishuErrorCodes.TenantAccessTokenInvalid);

        // The old token still works until its own expiry …
        Assert.Equal(0, await control.CodeOfGetAsync(path, first));

        // … and not after it, while the new one does.
        clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(FeishuErrorCodes.TenantAccessTokenInvalid, await control.CodeOfGetAsync(path, first));
        Assert.Equal(0, await control.CodeOfGetAsync(path, second));
        await client.Im.ChatMembers.IsInChatAsync(chatId);
        Assert.Equal(2, recorder.TokenRequests);
    }

    [Fact]
    public async Task A_wrong_secret_fails_with_the_emulators_code_after_one_token_request()
    {
        var fixture = new EmulatorFixture();
        await fixture.InitializeAsync();
        try
        {
            using var recorder = new RecordingHandler();
            using var client = fixture.CreateClient(recorder, fixture.AppId, "not-the-secret-of-this-app-000000");

            var error = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Messages.SendAsync(ReceiveId.Chat(fixture.GeneralChat.ChatId), MessageContent.Text("never sent")));

            Assert.Equal(FeishuErrorCodes.WrongAppSecret, error.Code);
            Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatus);
            Assert.False(error.IsTransient);
            Assert.False(string.IsNullOrEmpty(error.RequestId));
            Assert.Equal(1, recorder.TokenRequests);
            Assert.Empty(recorder.To("POST", "/open-apis/im/v1/messages"));
            Assert.Empty(fixture.State.MessagesIn(fixture.GeneralChat.ChatId));
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_unknown_app_id_fails_with_the_emulators_code_and_is_not_retried()
    {
        var fixture = new EmulatorFixture();
        await fixture.InitializeAsync();
        try
        {
            using var recorder = new RecordingHandler();
            using var client = fixture.CreateClient(recorder, "cli_ffffffffffffffff", "whatever-secret-of-32-characters");

            var error = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Chats.GetAsync(fixture.GeneralChat.ChatId));

            Assert.Equal(FeishuErrorCodes.LoginUserInvalid, error.Code);
            Assert.Equal(1, recorder.TokenRequests);

            // A second call asks again (nothing is cached from a failure) — once, not in a loop.
            await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Chats.GetAsync(fixture.GeneralChat.ChatId));
            Assert.Equal(2, recorder.TokenRequests);
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_user_access_token_view_sends_the_user_token_and_fetches_no_tenant_token()
    {
        var fixture = new EmulatorFixture();
        await fixture.InitializeAsync();
        try
        {
            using var recorder = new RecordingHandler();
            using var client = fixture.CreateClient(recorder);

            // The Emulator does not emulate user tokens: it answers 99991668, which must surface as is.
            var error = await Assert.ThrowsAsync<FeishuApiException>(() => client.AsUser("u-not-a-real-user-token").Im.Chats.GetAsync(fixture.GeneralChat.ChatId));

            Assert.Equal(FeishuErrorCodes.UserAccessTokenInvalid, error.Code);
            Assert.Equal(0, recorder.TokenRequests);
            Assert.All(recorder.Calls, c => Assert.Equal("u-not-a-real-user-token", c.Bearer));
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }

    private const string TokenEndpoint = "POST /open-apis/auth/v3/tenant_access_token/internal";

    [Fact]
    public async Task A_server_error_on_the_token_endpoint_is_retried_and_the_call_succeeds()
    {
        var fixture = new EmulatorFixture();
        await fixture.InitializeAsync();
        try
        {
            using var recorder = new RecordingHandler();
            using var client = fixture.CreateClient(recorder);
            await fixture.Control.ArmFaultAsync(TokenEndpoint, "server_error");

            Assert.True(await client.Im.ChatMembers.IsInChatAsync(fixture.GeneralChat.ChatId));

            Assert.Equal(2, recorder.TokenRequests);
            Assert.Equal(0, await fixture.Control.RemainingFaultsAsync());
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_caller_that_gives_up_during_a_token_fetch_does_not_spoil_it_for_the_others()
    {
        var fixture = new EmulatorFixture();
        await fixture.InitializeAsync();
        try
        {
            using var recorder = new RecordingHandler();
            using var client = fixture.CreateClient(recorder);
            await fixture.Control.ArmFaultAsync(TokenEndpoint, "delay", delayMs: 1500);
            var chatId = fixture.GeneralChat.ChatId;

            using var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            var gaveUp = client.Im.ChatMembers.IsInChatAsync(chatId, impatient.Token);
            var patient = client.Im.ChatMembers.IsInChatAsync(chatId);

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gaveUp);
            Assert.True(await patient);
            Assert.Equal(1, recorder.TokenRequests);
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }
}
