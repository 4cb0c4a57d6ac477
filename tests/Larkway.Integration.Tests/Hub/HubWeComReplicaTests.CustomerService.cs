using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Integration.Tests.Hub.Assistants;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// WeCom customer service across the three replicas: pulls of one account by one replica at a time, and a replica killed
/// while it pulls.
/// </summary>
public sealed partial class HubWeComReplicaTests
{
    private const string KfAccount = "wkLarkwaySandboxKf000001";

    [Fact]
    public async Task Customers_whose_callbacks_reach_every_replica_have_each_message_stored_forwarded_and_answered_once()
    {
        using var admin = fixture.Admin(0);
        await ServeKfAccountAsync(admin);

        // Six customers write; WeCom's callback reaches the first replica, and a copy of each (as a load balancer spreads
        // WeCom's retries) the other two at once, so three replicas ask to pull the account at the same moment.
        using var control = new HttpClient { BaseAddress = fixture.Emulator.BaseUrl };
        var customers = Enumerable.Range(0, 6).Select(i => $"wmReplicaCustomer{i}").ToList();
        foreach (var customer in customers)
        {
            using var said = await control.PostAsJsonAsync($"/_emulator/wecom/kf/{KfAccount}/customers/{customer}/say", new { text = $"kfrep question of {customer}" });
            said.StatusCode.ShouldBe(HttpStatusCode.OK, await said.Content.ReadAsStringAsync());
            var copies = Enumerable.Range(1, 2).Select(async replica =>
            {
                using var response = await PostEncryptedAsync(replica, KfCallbackXml(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
                response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            });
            await Task.WhenAll(copies);
        }

        await EachAnsweredAndForwardedOnceAsync(control, customers, "kfrep", seconds: 90);
    }

    [Fact]
    public async Task A_replica_killed_while_it_pulls_loses_no_customer_message_and_answers_none_twice()
    {
        using var admin = fixture.Admin(0);
        await ServeKfAccountAsync(admin);
        using var control = new HttpClient { BaseAddress = fixture.Emulator.BaseUrl, Timeout = TimeSpan.FromSeconds(90) };

        // Bursts of customers writing at once, each callback copied to the other replicas; the replica holding the pull's
        // lease is killed (SIGKILL) while it pulls. Until one kill lands inside a pull (a pull can end before it): at most three.
        var customers = new List<string>();
        var killed = new List<string>();
        for (var burst = 0; burst < 3 && killed.Count == 0; burst++)
        {
            var wave = Enumerable.Range(0, 30).Select(i => $"wmCrash{burst}n{i}").ToList();
            customers.AddRange(wave);
            using var stop = new CancellationTokenSource();
            var killer = KillThePullerAsync(killed, stop.Token);
            await Task.WhenAll(wave.Select(async customer =>
            {
                using var said = await control.PostAsJsonAsync($"/_emulator/wecom/kf/{KfAccount}/customers/{customer}/say", new { text = $"kfcrash question of {customer}" });
                said.StatusCode.ShouldBe(HttpStatusCode.OK, await said.Content.ReadAsStringAsync());
                await Task.WhenAll(Enumerable.Range(1, 2).Where(r => !fixture.Replicas[r].HasExited).Select(async replica =>
                {
                    try
                    {
                        using var response = await PostEncryptedAsync(replica, KfCallbackXml(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
                    }
                    catch (HttpRequestException)
                    {
                        // The replica was just killed: WeCom's own callback (to the first) still asks for the pull.
                    }
                }));
            }));
            await stop.CancelAsync();
            await killer;
            for (var i = 0; i < fixture.Replicas.Length; i++)
            {
                if (fixture.Replicas[i].HasExited)
                {
                    await fixture.RestartAsync(i);
                }
            }
        }

        killed.ShouldNotBeEmpty("a replica was killed while it held the pull");

        // One more message after the restart asks for a pull, as WeCom's next callback would; the killed pull's lease also
        // runs out and another replica takes it over. Every customer is then answered once, and forwarded once.
        using (var said = await control.PostAsJsonAsync($"/_emulator/wecom/kf/{KfAccount}/customers/wmCrashLast/say", new { text = "kfcrash question of wmCrashLast" }))
        {
            said.StatusCode.ShouldBe(HttpStatusCode.OK, await said.Content.ReadAsStringAsync());
        }

        customers.Add("wmCrashLast");
        await EachAnsweredAndForwardedOnceAsync(control, customers, "kfcrash", seconds: 120, $" (killed: {string.Join(", ", killed)})");

        await using var connection = new Npgsql.NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var duplicates = new Npgsql.NpgsqlCommand("select count(*) - count(distinct msgid) from wecom_kf_messages where open_kfid = @a", connection);
        duplicates.Parameters.AddWithValue("a", KfAccount);
        ((long)(await duplicates.ExecuteScalarAsync())!).ShouldBe(0L, "no item stored twice");
    }

    [Fact]
    public async Task A_replica_killed_between_pulling_a_page_and_storing_it_pulls_the_page_again_and_loses_nothing()
    {
        using var admin = fixture.Admin(0);
        await ServeKfAccountAsync(admin);
        using var control = new HttpClient { BaseAddress = fixture.Emulator.BaseUrl, Timeout = TimeSpan.FromSeconds(90) };

        // The store is held back by a lock that lets the Hub read the stored items but add none: the replica that pulls
        // stops between WeCom's page and its own transaction, which is where it is killed.
        await using var locker = new Npgsql.NpgsqlConnection(fixture.ConnectionString);
        await locker.OpenAsync();
        var hold = await locker.BeginTransactionAsync();
        await using (var lockTable = new Npgsql.NpgsqlCommand("lock table wecom_kf_messages in share row exclusive mode", locker, hold))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var customers = Enumerable.Range(0, 5).Select(i => $"wmStore{i}").ToList();
        int victim;
        try
        {
            foreach (var customer in customers)
            {
                using var said = await control.PostAsJsonAsync($"/_emulator/wecom/kf/{KfAccount}/customers/{customer}/say", new { text = $"kfstore question of {customer}" });
                said.StatusCode.ShouldBe(HttpStatusCode.OK, await said.Content.ReadAsStringAsync());
            }

            await using var watch = new Npgsql.NpgsqlConnection(fixture.ConnectionString);
            await watch.OpenAsync();
            var owner = "";
            await HubSandbox.WaitUntilAsync(() =>
            {
                using var waiting = new Npgsql.NpgsqlCommand(
                    "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query ilike '%insert%wecom_kf_messages%'", watch);
                using var lease = new Npgsql.NpgsqlCommand("select lease_owner from wecom_kf_accounts where open_kfid = @a and status = 'InProgress'", watch);
                lease.Parameters.AddWithValue("a", KfAccount);
                owner = (long)waiting.ExecuteScalar()! > 0 ? lease.ExecuteScalar() as string ?? "" : "";
                return owner.Length > 0;
            }, "a replica's pull waiting to store the page it pulled", seconds: 60);
            victim = ReplicaHolding(owner);
            victim.ShouldBeGreaterThanOrEqualTo(0, $"the pulling replica ({owner}) is one of the three");
            await fixture.Replicas[victim].KillAsync();
        }
        finally
        {
            await hold.RollbackAsync();
            await hold.DisposeAsync();
        }

        // The page was pulled but never stored, so the cursor did not move: once the killed pull's lease runs out another
        // replica pulls the same page again, and each customer is answered once.
        await fixture.RestartAsync(victim);
        await EachAnsweredAndForwardedOnceAsync(control, customers, "kfstore", seconds: 120);
    }

    [Fact]
    public async Task A_customers_answer_cut_short_by_a_SIGKILL_is_answered_again_once_and_never_with_ask_again()
    {
        using var admin = fixture.Admin(0);
        await ServeKfAccountAsync(admin);
        using var control = new HttpClient { BaseAddress = fixture.Emulator.BaseUrl, Timeout = TimeSpan.FromSeconds(90) };

        // A slow backend (about 10 s an answer), so the kill lands while the answer is being written; the class's other tests get theirs back.
        var previous = await control.GetFromJsonAsync<JsonElement>("/_emulator/ai/settings");
        previous = previous.TryGetProperty("data", out var data) ? data : previous;
        (await control.PutAsJsonAsync("/_emulator/ai/settings", new { tokens_per_second = 4, answer_words = 40 })).EnsureSuccessStatusCode();
        try
        {
            const string customer = "wmCutShort";
            using (var said = await control.PostAsJsonAsync($"/_emulator/wecom/kf/{KfAccount}/customers/{customer}/say", new { text = "kfcut question of wmCutShort" }))
            {
                said.StatusCode.ShouldBe(HttpStatusCode.OK, await said.Content.ReadAsStringAsync());
            }

            // The replica answering holds the turn's lease: it is killed mid-answer; the others take the turn over.
            await using var connection = new Npgsql.NpgsqlConnection(fixture.ConnectionString);
            await connection.OpenAsync();
            var owner = "";
            await HubSandbox.WaitUntilAsync(() =>
            {
                using var read = new Npgsql.NpgsqlCommand("select lease_owner from assistant_turns where conversation_id like @c and turn_status = 'answering'", connection);
                read.Parameters.AddWithValue("c", "%" + customer);
                owner = read.ExecuteScalar() as string ?? "";
                return owner.Length > 0;
            }, "the customer's turn being answered", seconds: 60);
            var victim = ReplicaHolding(owner);
            victim.ShouldBeGreaterThanOrEqualTo(0, $"the answering replica ({owner}) is one of the three");
            await fixture.Replicas[victim].KillAsync();
            await fixture.RestartAsync(victim);

            await HubSandbox.WaitUntilAsync(() => CustomerAnswers(control, customer, "kfcut") >= 1, "the answer after the kill", seconds: 120);
            var received = (await control.GetFromJsonAsync<JsonElement>($"/_emulator/wecom/kf/{KfAccount}/customers/{customer}"))
                .GetProperty("received").EnumerateArray().Select(m => m.GetProperty("content").GetRawText()).ToList();
            received.Count(m => m.Contains("You asked: kfcut question of wmCutShort", StringComparison.Ordinal)).ShouldBe(1, "answered once");
            received.ShouldNotContain(m => m.Contains("interrupted", StringComparison.OrdinalIgnoreCase), "a customer is never told to ask again");
        }
        finally
        {
            (await control.PutAsJsonAsync("/_emulator/ai/settings", new
            {
                tokens_per_second = previous.GetProperty("tokens_per_second").GetDouble(),
                answer_words = previous.GetProperty("answer_words").GetInt32(),
            })).EnsureSuccessStatusCode();
        }
    }

    /// <summary>
    /// Waits until each customer's question (<c>{prefix} question of {customer}</c>) is answered and forwarded, then checks
    /// both happened once; a wait that gives up says what the Hub stored of the unanswered.
    /// </summary>
    private async Task EachAnsweredAndForwardedOnceAsync(HttpClient control, List<string> customers, string prefix, int seconds, string context = "")
    {
        try
        {
            await HubSandbox.WaitUntilAsync(() => customers.All(c => CustomerAnswers(control, c, prefix) >= 1), "every customer answered", seconds);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}{context}\n{await KfStateAsync(customers.Where(c => CustomerAnswers(control, c, prefix) == 0).ToList())}", ex);
        }

        await HubSandbox.WaitUntilAsync(() => customers.All(c => KfForwarded($"{prefix} question of {c}").Count >= 1), "every customer message forwarded", seconds: 60);
        foreach (var customer in customers)
        {
            CustomerAnswers(control, customer, prefix).ShouldBe(1, $"{customer} answered once{context}");
            KfForwarded($"{prefix} question of {customer}").Select(f => f.GetProperty("id").GetString()).Distinct().Count().ShouldBe(1, $"{customer}'s message forwarded once");
        }
    }

    /// <summary>The replica whose process holds a lease (its owner is <c>{machine}/{pid}/…</c>); -1 when none of the three.</summary>
    private int ReplicaHolding(string leaseOwner)
    {
        var pid = int.Parse(leaseOwner.Split('/')[1], CultureInfo.InvariantCulture);
        return Array.FindIndex(fixture.Replicas, r => r.ProcessId == pid);
    }

    /// <summary>What the Hub stored of <paramref name="customers"/>: their items' routes, their turns, the account's pull, the replicas' last lines.</summary>
    private async Task<string> KfStateAsync(List<string> customers)
    {
        var lines = new List<string> { "unanswered: " + string.Join(", ", customers) };
        await using var connection = new Npgsql.NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        foreach (var sql in new[]
        {
            "select external_userid, origin, route, msgid from wecom_kf_messages where external_userid = any(@c) order by id",
            "select conversation_id, turn_status, failure_kind from assistant_turns where conversation_id like any(@p)",
            "select status, lease_owner, lease_until::text, attempts, last_error, pull_requests, cursor from wecom_kf_accounts",
        })
        {
            await using var command = new Npgsql.NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("c", customers.ToArray());
            command.Parameters.AddWithValue("p", customers.Select(c => "%" + c).ToArray());
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                lines.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
            }
        }

        lines.AddRange(fixture.Replicas.SelectMany((r, i) => r.Output.Where(l => l.Contains("kf", StringComparison.OrdinalIgnoreCase) || l.Contains("fail", StringComparison.OrdinalIgnoreCase)
            || l.Contains("xception", StringComparison.Ordinal) || l.Contains("warn", StringComparison.OrdinalIgnoreCase)).TakeLast(25).Select(l => $"[{i}] {l}")));
        return string.Join("\n", lines);
    }

    /// <summary>
    /// Watches the account's pull; the moment a replica holds it in progress, kills that replica (its process id is in
    /// the lease owner) and notes it.
    /// </summary>
    private async Task KillThePullerAsync(List<string> killed, CancellationToken cancellationToken)
    {
        await using var connection = new Npgsql.NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync(CancellationToken.None);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await using var read = new Npgsql.NpgsqlCommand("select status, lease_owner from wecom_kf_accounts where app = @app and open_kfid = @a", connection);
                read.Parameters.AddWithValue("app", HubWeComReplicaFixture.AppName);
                read.Parameters.AddWithValue("a", KfAccount);
                await using (var row = await read.ExecuteReaderAsync(cancellationToken))
                {
                    if (await row.ReadAsync(cancellationToken) && row.GetString(0) == "InProgress" && !row.IsDBNull(1)
                        && int.TryParse(row.GetString(1).Split('/')[1], CultureInfo.InvariantCulture, out var pid)
                        && Array.FindIndex(fixture.Replicas, r => !r.HasExited && r.ProcessId == pid) is var victim and >= 0)
                    {
                        await fixture.Replicas[victim].KillAsync();
                        killed.Add($"replica {victim} (pid {pid})");
                        return;
                    }
                }

                await Task.Delay(5, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>An assistant on the replicas' app, and the account served (once for the class: later calls find both).</summary>
    private async Task ServeKfAccountAsync(HttpClient admin)
    {
        using (var assistant = await admin.PostAsJsonAsync("/api/v1/assistants", new Dictionary<string, object?>
        {
            ["name"] = "wc-replicas-kf",
            ["backend"] = "dify",
            ["base_url"] = new Uri(fixture.Emulator.BaseUrl, "dify/v1").ToString(),
            ["api_key"] = AssistantDriver.DifyKey,
            ["apps"] = new[] { HubWeComReplicaFixture.AppName },
        }))
        {
            assistant.StatusCode.ShouldBeOneOf([HttpStatusCode.Created, HttpStatusCode.Conflict], await assistant.Content.ReadAsStringAsync());
        }

        using (var put = await admin.PutAsJsonAsync($"/api/v1/wecom/apps/{HubWeComReplicaFixture.AppName}/customer-service/accounts/{KfAccount}", new { }))
        {
            put.StatusCode.ShouldBeOneOf([HttpStatusCode.Created, HttpStatusCode.OK], await put.Content.ReadAsStringAsync());
        }

        var account = default(JsonElement);
        try
        {
            await HubSandbox.WaitUntilAsync(() => (account = admin.GetFromJsonAsync<JsonElement>($"/api/v1/wecom/apps/{HubWeComReplicaFixture.AppName}/customer-service/accounts/{KfAccount}")
                .GetAwaiter().GetResult()).TryGetProperty("last_pulled_at", out _), "the account's first pull", seconds: 60);
        }
        catch (TimeoutException ex)
        {
            var logs = string.Join("\n", fixture.Replicas.SelectMany((r, i) => r.Output.Where(l => l.Contains("kf", StringComparison.OrdinalIgnoreCase) || l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("xception", StringComparison.Ordinal)).TakeLast(30).Select(l => $"[{i}] {l}")));
            throw new TimeoutException($"{ex.Message}; the account: {account}\n{logs}", ex);
        }
    }

    /// <summary>A kf_msg_or_event callback for the account (a token WeCom never gave: the pull then goes without one).</summary>
    private static string KfCallbackXml(long createTime) =>
        $"<xml><ToUserName><![CDATA[{EmulatorOptions.DefaultWeComCorpId}]]></ToUserName><CreateTime>{createTime.ToString(CultureInfo.InvariantCulture)}</CreateTime>"
        + $"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event><Token><![CDATA[ENCreplica{Guid.NewGuid():N}]]></Token><OpenKfId><![CDATA[{KfAccount}]]></OpenKfId></xml>";

    /// <summary>How many answers to the customer's question reached them (the fake backend echoes the question).</summary>
    private static int CustomerAnswers(HttpClient control, string customer, string prefix = "kfrep") =>
        control.GetFromJsonAsync<JsonElement>($"/_emulator/wecom/kf/{KfAccount}/customers/{customer}").GetAwaiter().GetResult()
            .GetProperty("received").EnumerateArray().Count(m => m.GetProperty("content").GetRawText().Contains($"You asked: {prefix} question of {customer}", StringComparison.Ordinal));

    /// <summary>The customers' messages forwarded as wecom.kf.message, by the text they carry.</summary>
    private List<JsonElement> KfForwarded(string text) =>
        [.. fixture.Receiver.At("/wecom").Select(r => JsonDocument.Parse(r.Body).RootElement.Clone())
            .Where(p => p.GetProperty("type").GetString() == "wecom.kf.message"
                && p.GetProperty("event").GetProperty("origin").GetString() == "customer"
                && p.GetProperty("event").TryGetProperty("text", out var t) && t.GetString() == text)];
}
