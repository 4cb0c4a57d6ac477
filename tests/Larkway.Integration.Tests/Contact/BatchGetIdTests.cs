using Larkway.Feishu;
using Larkway.Feishu.Contact;
using Larkway.Feishu.Im;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Contact;

/// <summary>client.Contact.Users.BatchGetIdsAsync against the Emulator's default tenant.</summary>
public sealed class BatchGetIdTests(ClientFixture fx) : IClassFixture<ClientFixture>
{
    [Fact]
    public async Task Emails_resolve_to_open_ids_and_unknown_ones_come_back_without_an_id()
    {
        var result = await fx.Client.Contact.Users.BatchGetIdsAsync(["alice@example.com", "nobody@example.com", "Bob@Example.com"]);

        Assert.Equal(["alice@example.com", "nobody@example.com", "Bob@Example.com"], result.Select(r => r.Email));
        Assert.Equal([fx.Alice.OpenId, null, fx.Bob.OpenId], result.Select(r => r.UserId));
        Assert.Equal(new ContactUserStatus(false, false, true, false, false), result[0].Status);
        Assert.False(result[1].Found);
        Assert.Null(result[1].Status);
        Assert.All(result, r => Assert.Null(r.Mobile));
    }

    [Fact]
    public async Task Mobiles_resolve_with_or_without_the_country_code()
    {
        var result = await fx.Client.Contact.Users.BatchGetIdsAsync(mobiles: ["+8613800000003", "13800000004", "+8613811112222"], userIdType: UserIdType.UserId);

        Assert.Equal(["+8613800000003", "13800000004", "+8613811112222"], result.Select(r => r.Mobile));
        Assert.Equal([fx.Carol.UserId, fx.Dave.UserId, null], result.Select(r => r.UserId));
        Assert.All(result, r => Assert.Null(r.Email));
    }

    [Fact]
    public async Task Emails_and_mobiles_together_answer_emails_first()
    {
        var result = await fx.Client.Contact.Users.BatchGetIdsAsync(["dave@example.com"], ["+8613800000001"], UserIdType.UnionId);

        Assert.Equal([fx.Dave.UnionId, fx.Alice.UnionId], result.Select(r => r.UserId));
        Assert.Equal("dave@example.com", result[0].Email);
        Assert.Equal("+8613800000001", result[1].Mobile);
    }

    [Fact]
    public async Task Over_the_limit_or_nothing_to_look_up_is_refused_before_sending()
    {
        var calls = fx.Server.CallCounts.GetValueOrDefault("POST /open-apis/contact/v3/users/batch_get_id");

        var tooMany = await Assert.ThrowsAsync<ArgumentException>(() => fx.Client.Contact.Users.BatchGetIdsAsync(Enumerable.Range(0, 51).Select(i => $"u{i}@example.com")));
        var tooManyMobiles = await Assert.ThrowsAsync<ArgumentException>(() => fx.Client.Contact.Users.BatchGetIdsAsync(mobiles: Enumerable.Range(0, 51).Select(i => $"+86139{i:D8}")));
        var nothing = await Assert.ThrowsAsync<ArgumentException>(() => fx.Client.Contact.Users.BatchGetIdsAsync([], []));

        Assert.Contains("at most 50", tooMany.Message, StringComparison.Ordinal);
        Assert.Contains("at most 50", tooManyMobiles.Message, StringComparison.Ordinal);
        Assert.Contains("at least one email or mobile", nothing.Message, StringComparison.Ordinal);
        Assert.Equal(calls, fx.Server.CallCounts.GetValueOrDefault("POST /open-apis/contact/v3/users/batch_get_id"));
    }

    [Fact]
    public async Task Fifty_of_each_is_accepted_and_answered_one_for_one()
    {
        var emails = Enumerable.Range(0, 49).Select(i => $"u{i}@example.com").Append("carol@example.com").ToArray();
        var mobiles = Enumerable.Range(0, 50).Select(i => $"+86139{i:D8}").ToArray();

        var result = await fx.Client.Contact.Users.BatchGetIdsAsync(emails, mobiles);

        Assert.Equal(100, result.Count);
        Assert.Equal(fx.Carol.OpenId, result[49].UserId);
        Assert.Equal(1, result.Count(r => r.Found));
    }
}

/// <summary>Lookups in a seeded tenant: a resigned user and a second app.</summary>
public sealed class BatchGetIdSeededTests(SeededEmulatorFixture fx) : IClassFixture<SeededEmulatorFixture>, IDisposable
{
    private readonly RecordingHandler _recorder = new();
    private readonly RecordingHandler _secondRecorder = new();
    private FeishuClient? _client;
    private FeishuClient? _second;

    private FeishuClient Client => _client ??= fx.CreateClient(_recorder);

    private FeishuClient Second => _second ??= fx.CreateClient(_secondRecorder, SeededEmulatorFixture.SecondAppId, SeededEmulatorFixture.SecondAppSecret);

    public void Dispose()
    {
        _client?.Dispose();
        _second?.Dispose();
        _recorder.Dispose();
        _secondRecorder.Dispose();
    }

    [Fact]
    public async Task A_resigned_user_has_no_id_unless_include_resigned()
    {
        var hidden = await Client.Contact.Users.BatchGetIdsAsync(["gina@integration.test"], [SeededEmulatorFixture.GinaMobile]);
        var shown = await Client.Contact.Users.BatchGetIdsAsync(["gina@integration.test"], [SeededEmulatorFixture.GinaMobile], includeResigned: true);

        Assert.All(hidden, r => Assert.False(r.Found));
        Assert.All(hidden, r => Assert.Null(r.Status));
        Assert.All(shown, r => Assert.Equal(fx.Gina.OpenId, r.UserId));
        Assert.All(shown, r => Assert.True(r.Status!.IsResigned));
        Assert.All(shown, r => Assert.False(r.Status!.IsActivated));
    }

    [Fact]
    public async Task Seeded_mobiles_resolve_including_international_numbers()
    {
        var result = await Client.Contact.Users.BatchGetIdsAsync(mobiles: [SeededEmulatorFixture.ErinMobile, "+12125550100"], userIdType: UserIdType.UserId);

        Assert.Equal(["erin", "frank"], result.Select(r => r.UserId));
    }

    [Fact]
    public async Task Each_app_gets_an_open_id_it_can_message()
    {
        foreach (var client in new[] { Client, Second })
        {
            var frank = Assert.Single(await client.Contact.Users.BatchGetIdsAsync(["frank@integration.test"]));

            var sent = await client.Im.Messages.SendAsync(ReceiveId.OpenId(frank.UserId!), MessageContent.Text("found you by email"));

            var chat = fx.State.FindChat(sent.ChatId!)!;
            Assert.True(chat.HasBot(client.AppId));
            Assert.True(chat.HasMember(fx.Frank.OpenId));
        }

        var union = await Second.Contact.Users.BatchGetIdsAsync(["erin@integration.test"], userIdType: UserIdType.UnionId);
        Assert.Equal(fx.Erin.UnionId, Assert.Single(union).UserId);
    }
}
