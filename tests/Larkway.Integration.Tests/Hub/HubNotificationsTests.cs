using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Seed;

namespace Larkway.Integration.Tests.Hub;

/// <summary>Business systems send notifications through the Hub's API; the Hub's outbox posts them to the Emulator.</summary>
public sealed class HubNotificationsTests
{
    private static readonly JsonObject Card = new()
    {
        ["header"] = new JsonObject { ["title"] = new JsonObject { ["tag"] = "plain_text", ["content"] = "Purchase order PO-4711" } },
        ["elements"] = new JsonArray(new JsonObject { ["tag"] = "div", ["text"] = new JsonObject { ["tag"] = "lark_md", ["content"] = "**Created** by the ERP" } }),
    };

    [Fact]
    public async Task A_notification_reaches_each_recipient_once_and_reports_the_message_ids()
    {
        await using var hub = await HubSandbox.StartAsync();
        var key = await CreateKeyAsync(hub, "erp", "purchase_order.*");
        var bob = hub.State.Users.Single(u => u.Email == "bob@example.com");
        var general = hub.State.Chats.Single(c => c.Name == DefaultSeed.GeneralChatName);

        var created = await PostAsync(hub, key, Request("po-4711-created", [new { email = "Alice@Example.com" }, new { open_id = bob.OpenId }, new { chat_id = general.ChatId }]));

        created.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var done = await WaitForStatusAsync(hub, key, id, "sent");
        var recipients = done.GetProperty("recipients").EnumerateArray().ToList();
        recipients.Select(r => r.GetProperty("type").GetString()).ShouldBe(["email", "open_id", "chat_id"]);
        recipients[0].GetProperty("value").GetString().ShouldBe("alice@example.com");
        foreach (var recipient in recipients)
        {
            var message = hub.State.FindMessage(recipient.GetProperty("message_id").GetString()!);
            message.ShouldNotBeNull();
            message.MsgType.ShouldBe("interactive");
            message.Sender.SenderType.ShouldBe("app");
            message.Content.ShouldContain("PO-4711");
        }

        hub.State.MessagesIn(general.ChatId).Count(m => m.Content.Contains("PO-4711", StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public async Task The_same_idempotency_key_returns_the_same_notification_and_posts_once()
    {
        await using var hub = await HubSandbox.StartAsync();
        var key = await CreateKeyAsync(hub, "erp", "*");
        var general = hub.State.Chats.Single(c => c.Name == DefaultSeed.GeneralChatName);
        var body = Request("payment-88-pending", [new { chat_id = general.ChatId }], type: "payment.pending");

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => PostAsync(hub, key, body)));
        var ids = new List<string>();
        foreach (var answer in answers)
        {
            answer.StatusCode.ShouldBeOneOf(HttpStatusCode.Accepted, HttpStatusCode.OK);
            ids.Add((await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        }

        ids.Distinct().Count().ShouldBe(1);
        answers.Count(a => a.StatusCode == HttpStatusCode.Accepted).ShouldBe(1);
        await WaitForStatusAsync(hub, key, ids[0], "sent");

        // After it was sent, the same request is still the same notification: nothing new is posted.
        var again = await PostAsync(hub, key, body);
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean().ShouldBeTrue();
        hub.State.MessagesIn(general.ChatId).Count(m => m.Content.Contains("PO-4711", StringComparison.Ordinal)).ShouldBe(1);

        // The key with a different request is refused, naming the notification it belongs to.
        var reused = await PostAsync(hub, key, Request("payment-88-pending", [new { email = "bob@example.com" }], type: "payment.pending"));
        reused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await reused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("notification_id").GetString().ShouldBe(ids[0]);
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_every_problem_named_and_nothing_is_sent()
    {
        await using var hub = await HubSandbox.StartAsync();
        var key = await CreateKeyAsync(hub, "erp", "purchase_order.*");
        var before = hub.State.Chats.Sum(c => hub.State.MessagesIn(c.ChatId).Count);

        var bad = await PostAsync(hub, key, new
        {
            type = "purchase order",
            card = new { elements = "not a list" },
            feishu_template = new { template_id = "AAq" },
            recipients = new object[] { new { email = "not-an-address" }, new { team = "od_1" } },
        });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        var fields = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        fields.ShouldContain("type");
        fields.ShouldContain("idempotency_key");
        fields.ShouldContain("card");
        fields.ShouldContain("recipients[0].email");
        fields.ShouldContain("recipients[1]");

        var invalidCard = await PostAsync(hub, key, new { type = "purchase_order.created", idempotency_key = "k1", card = new { elements = new[] { new { tag = "no_such_tag" } } }, recipients = new[] { new { email = "bob@example.com" } } });
        invalidCard.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await invalidCard.Content.ReadAsStringAsync()).ShouldContain("card.elements[0]");

        var malformed = await PostRawAsync(hub, key, "{\"type\":");
        malformed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        (await PostAsync(hub, key, Request("k2", [new { email = "bob@example.com" }], type: "contract.expiring"))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await PostAsync(hub, null, Request("k3", [new { email = "bob@example.com" }]))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await PostAsync(hub, "lk_not-a-key", Request("k4", [new { email = "bob@example.com" }]))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        await Task.Delay(200);
        hub.State.Chats.Sum(c => hub.State.MessagesIn(c.ChatId).Count).ShouldBe(before);
    }

    [Fact]
    public async Task A_callers_notifications_are_its_own_and_a_revoked_key_is_refused()
    {
        await using var hub = await HubSandbox.StartAsync();
        var erp = await CreateKeyAsync(hub, "erp", "*");
        var crm = await CreateKeyAsync(hub, "crm", "*");
        var created = await PostAsync(hub, erp, Request("k1", [new { email = "bob@example.com" }]));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        (await GetAsync(hub, crm, id)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await GetAsync(hub, HubSandbox.AdminKey, id)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The same idempotency key from another caller is another notification.
        var other = await PostAsync(hub, crm, Request("k1", [new { email = "bob@example.com" }]));
        other.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await other.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString().ShouldNotBe(id);

        using var admin = Client(hub, HubSandbox.AdminKey);
        var keys = await admin.GetFromJsonAsync<JsonElement>("/api/v1/api-keys");
        var crmId = keys.GetProperty("items").EnumerateArray().Single(k => k.GetProperty("name").GetString() == "crm").GetProperty("id").GetString();
        keys.GetRawText().ShouldNotContain(crm);
        (await admin.DeleteAsync($"/api/v1/api-keys/{crmId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await PostAsync(hub, crm, Request("k2", [new { email = "bob@example.com" }]))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Client(hub, erp).PostAsJsonAsync("/api/v1/api-keys", new { name = "x", types = new[] { "*" } })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_recipient_Feishu_refuses_fails_with_its_code_and_log_id_while_the_others_are_sent()
    {
        await using var hub = await HubSandbox.StartAsync();
        var key = await CreateKeyAsync(hub, "erp", "*");

        var created = await PostAsync(hub, key, Request("k1", [new { open_id = "ou_nobody_has_this_id" }, new { email = "bob@example.com" }]));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var done = await WaitForStatusAsync(hub, key, id, "partially_failed");
        var recipients = done.GetProperty("recipients").EnumerateArray().ToList();
        recipients[0].GetProperty("status").GetString().ShouldBe("failed");
        var error = recipients[0].GetProperty("error");
        error.GetProperty("code").GetInt32().ShouldBeGreaterThan(0);
        error.GetProperty("message").GetString().ShouldNotBeNullOrEmpty();
        error.GetProperty("log_id").GetString().ShouldNotBeNullOrEmpty();
        recipients[0].GetProperty("attempts").GetInt32().ShouldBe(1);
        recipients[1].GetProperty("status").GetString().ShouldBe("sent");

        // Retrying sends the failed one again (it fails again here) and leaves the sent one alone.
        using var retry = await Client(hub, key).PostAsync($"/api/v1/notifications/{id}/retry", null);
        retry.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("retried").GetInt32().ShouldBe(1);
        var again = await WaitForStatusAsync(hub, key, id, "partially_failed");
        again.GetProperty("recipients")[1].GetProperty("message_id").GetString().ShouldBe(recipients[1].GetProperty("message_id").GetString());
    }

    [Fact]
    public async Task An_email_no_active_user_has_fails_at_once_naming_the_address()
    {
        await using var hub = await HubSandbox.StartAsync();
        var key = await CreateKeyAsync(hub, "erp", "*");
        var resigned = hub.State.AddUser(new Larkway.Emulator.State.EmulatorUser("ou_left0001", "on_left0001", "u_left0001", "Left", "left@example.com", [], IsResigned: true)).Email!;

        var created = await PostAsync(hub, key, Request("k1", [new { email = "nobody@example.com" }, new { email = resigned }, new { email = "bob@example.com" }]));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var done = await WaitForStatusAsync(hub, key, id, "partially_failed");
        var recipients = done.GetProperty("recipients").EnumerateArray().ToList();
        foreach (var failed in recipients.Take(2))
        {
            failed.GetProperty("status").GetString().ShouldBe("failed");
            failed.GetProperty("attempts").GetInt32().ShouldBe(1);
            failed.GetProperty("error").GetProperty("code").GetInt32().ShouldBe(-100);
            failed.GetProperty("error").GetProperty("message").GetString()!.ShouldContain(failed.GetProperty("value").GetString()!);
        }

        var bob = hub.State.Users.Single(u => u.Email == "bob@example.com");
        var message = hub.State.FindMessage(recipients[2].GetProperty("message_id").GetString()!)!;
        hub.State.Chats.Single(c => c.ChatId == message.ChatId).MemberOpenIds.ShouldContain(bob.OpenId);
    }

    [Fact]
    public async Task Rate_limits_and_server_errors_are_retried_until_sent_and_each_recipient_gets_one_message()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?>
        {
            ["Larkway:Notifications:RetryDelays:0"] = "00:00:00.200",
        });
        var key = await CreateKeyAsync(hub, "erp", "*");
        var general = hub.State.Chats.Single(c => c.Name == DefaultSeed.GeneralChatName);
        using (var faults = await hub.Control.PostAsJsonAsync("/_emulator/faults", new { endpoint = "POST /open-apis/im/v1/messages", kind = "rate_limit", count = 6, reset_seconds = 1 }))
        {
            faults.EnsureSuccessStatusCode();
        }

        using (var faults = await hub.Control.PostAsJsonAsync("/_emulator/faults", new { endpoint = "POST /open-apis/im/v1/messages", kind = "server_error", count = 6 }))
        {
            faults.EnsureSuccessStatusCode();
        }

        var created = await PostAsync(hub, key, Request("k1", [new { chat_id = general.ChatId }, new { email = "bob@example.com" }]));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var done = await WaitForStatusAsync(hub, key, id, "sent", seconds: 60);
        done.GetProperty("recipients").EnumerateArray().Sum(r => r.GetProperty("attempts").GetInt32()).ShouldBeGreaterThan(2);
        hub.State.MessagesIn(general.ChatId).Count(m => m.Content.Contains("PO-4711", StringComparison.Ordinal)).ShouldBe(1);
        var bobMessage = hub.State.FindMessage(done.GetProperty("recipients")[1].GetProperty("message_id").GetString()!)!;
        hub.State.MessagesIn(bobMessage.ChatId).Count(m => m.Content.Contains("PO-4711", StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public async Task The_built_in_types_render_from_data_and_go_to_the_people_their_rules_name()
    {
        await using var hub = await HubSandbox.StartAsync();
        var key = await CreateKeyAsync(hub, "erp", "purchase_order.*");
        using var admin = Client(hub, HubSandbox.AdminKey);
        var types = await admin.GetFromJsonAsync<JsonElement>("/api/v1/notification-types");
        types = types.GetProperty("items");
        types.EnumerateArray().Select(t => t.GetProperty("name").GetString()).ShouldBe(
            ["approval.decided", "contract.expiring", "larkway.alert", "payment.pending", "purchase_order.created", "requisition.submitted"]);
        foreach (var type in types.EnumerateArray())
        {
            var preview = await (await admin.PostAsJsonAsync($"/api/v1/notification-types/{type.GetProperty("name").GetString()}/preview", new { })).Content.ReadFromJsonAsync<JsonElement>();
            preview.GetProperty("errors").GetArrayLength().ShouldBe(0);
        }

        var created = await PostAsync(hub, key, new
        {
            type = "purchase_order.created",
            idempotency_key = "po-4712",
            data = new
            {
                po = new { number = "PO-4712", supplier = "Shenzhen \"Quick\" Parts", total = "¥ 9,000.00", delivery_date = "2026-12-20", url = "https://erp.example.com/po/4712" },
                lines = new[] { new { item = "Monitor", quantity = 3 } },
                buyer = new { email = "alice@example.com" },
            },
            recipients = new[] { new { email = "bob@example.com" } },
        });
        created.StatusCode.ShouldBe(HttpStatusCode.Accepted, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var done = await WaitForStatusAsync(hub, key, id, "sent");

        var recipients = done.GetProperty("recipients").EnumerateArray().ToList();
        recipients.Select(r => r.GetProperty("value").GetString()).ShouldBe(["bob@example.com", "alice@example.com"]);
        var card = hub.State.FindMessage(recipients[1].GetProperty("message_id").GetString()!)!.Content;
        card.ShouldContain("PO-4712");
        card.ShouldContain("Monitor × 3");
        // The supplier's quotes arrive as text inside valid JSON, not as JSON syntax.
        JsonDocument.Parse(card).ShouldNotBeNull();
        card.ShouldContain("Shenzhen \\\"Quick\\\" Parts");
    }

    [Fact]
    public async Task A_switched_off_type_is_accepted_and_not_sent_and_types_are_changed_by_the_admin_only()
    {
        await using var hub = await HubSandbox.StartAsync();
        var key = await CreateKeyAsync(hub, "erp", "*");
        using var admin = Client(hub, HubSandbox.AdminKey);
        var data = new { contract = new { number = "C-1", supplier = "ACME", expires_on = "2027-01-31", days_left = 30 }, owner = new { email = "bob@example.com" } };

        (await admin.PutAsJsonAsync("/api/v1/notification-types/contract.expiring", new { enabled = false })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var off = await PostAsync(hub, key, new { type = "contract.expiring", idempotency_key = "c-1", data });
        off.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await off.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().ShouldBe("disabled");

        (await Client(hub, key).PutAsJsonAsync("/api/v1/notification-types/contract.expiring", new { enabled = true })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await admin.PutAsJsonAsync("/api/v1/notification-types/contract.expiring", new { enabled = true })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var on = await PostAsync(hub, key, new { type = "contract.expiring", idempotency_key = "c-1", data });
        on.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await WaitForStatusAsync(hub, key, (await on.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!, "sent");

        // A user's own type: refused while its template does not make a valid card, then used.
        var bad = await admin.PutAsJsonAsync("/api/v1/notification-types/invoice.overdue", new { template = new { elements = new[] { new { tag = "{{kind}}" } } }, sample_data = new { kind = "nope" } });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).ShouldContain("sample_data.kind");
        var good = await admin.PutAsJsonAsync("/api/v1/notification-types/invoice.overdue", new
        {
            description = "An invoice is overdue.",
            template = new { elements = new[] { new { tag = "div", text = new { tag = "lark_md", content = "Invoice {{invoice}} is overdue" } } } },
            sample_data = new { invoice = "INV-1", to = "bob@example.com" },
            recipients = new[] { new { email = "{{to}}" } },
        });
        good.StatusCode.ShouldBe(HttpStatusCode.Created, await good.Content.ReadAsStringAsync());
        var sent = await PostAsync(hub, key, new { type = "invoice.overdue", idempotency_key = "inv-9", data = new { invoice = "INV-9", to = "bob@example.com" } });
        sent.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var done = await WaitForStatusAsync(hub, key, (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!, "sent");
        hub.State.FindMessage(done.GetProperty("recipients")[0].GetProperty("message_id").GetString()!)!.Content.ShouldContain("INV-9");

        var unknown = await PostAsync(hub, key, new { type = "no.such.type", idempotency_key = "x", data = new { } });
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await unknown.Content.ReadAsStringAsync()).ShouldContain("no.such.type");
    }

    [Fact]
    public async Task Updating_a_notification_updates_every_sent_message_in_place()
    {
        await using var hub = await HubSandbox.StartAsync();
        var key = await CreateKeyAsync(hub, "erp", "*");
        var general = hub.State.Chats.Single(c => c.Name == DefaultSeed.GeneralChatName);
        var data = new
        {
            po = new { number = "PO-4713", supplier = "ACME", total = "¥ 1.00", delivery_date = "2026-12-20", url = "https://erp.example.com/po/4713" },
            lines = new[] { new { item = "Cable", quantity = 1 } },
            buyer = new { email = "alice@example.com" },
        };
        var created = await PostAsync(hub, key, new { type = "purchase_order.created", idempotency_key = "po-4713", data, recipients = new[] { new { chat_id = general.ChatId } } });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var sent = await WaitForStatusAsync(hub, key, id, "sent");
        var messageIds = sent.GetProperty("recipients").EnumerateArray().Select(r => r.GetProperty("message_id").GetString()!).ToList();
        var before = hub.State.Chats.Sum(c => hub.State.MessagesIn(c.ChatId).Count);

        using var client = Client(hub, key);
        using var update = await client.PatchAsJsonAsync($"/api/v1/notifications/{id}", new
        {
            card = new { header = new { title = new { tag = "plain_text", content = "PO-4713 delivered" } }, elements = new[] { new { tag = "div", text = new { tag = "lark_md", content = "**Delivered** on 2026-12-19" } } } },
        });
        update.StatusCode.ShouldBe(HttpStatusCode.Accepted, await update.Content.ReadAsStringAsync());
        var answer = await update.Content.ReadFromJsonAsync<JsonElement>();
        answer.GetProperty("version").GetInt32().ShouldBe(2);
        answer.GetProperty("updating").GetInt32().ShouldBe(2);

        JsonElement current = default;
        await HubSandbox.WaitUntilAsync(() =>
        {
            using var response = GetAsync(hub, key, id).GetAwaiter().GetResult();
            current = response.Content.ReadFromJsonAsync<JsonElement>().GetAwaiter().GetResult();
            return current.GetProperty("status").GetString() == "sent"
                && current.GetProperty("recipients").EnumerateArray().All(r => r.GetProperty("version").GetInt32() == 2);
        }, "every message shows version 2");

        current.GetProperty("recipients").EnumerateArray().Select(r => r.GetProperty("message_id").GetString()).ShouldBe(messageIds);
        foreach (var messageId in messageIds)
        {
            var message = hub.State.FindMessage(messageId)!;
            message.Content.ShouldContain("PO-4713 delivered");
            message.Content.ShouldNotContain("Cable");
        }

        hub.State.Chats.Sum(c => hub.State.MessagesIn(c.ChatId).Count).ShouldBe(before);
        using var bad = await client.PatchAsJsonAsync($"/api/v1/notifications/{id}", new { card = new { elements = "x" } });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    private static object Request(string idempotencyKey, object[] recipients, string type = "purchase_order.created") =>
        new { type, idempotency_key = idempotencyKey, card = Card, recipients };

    private static HttpClient Client(HubSandbox hub, string? key)
    {
        var client = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    private static async Task<string> CreateKeyAsync(HubSandbox hub, string name, params string[] types)
    {
        using var admin = Client(hub, HubSandbox.AdminKey);
        using var response = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name, types });
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("key").GetString()!;
    }

    private static async Task<HttpResponseMessage> PostAsync(HubSandbox hub, string? key, object body)
    {
        using var client = Client(hub, key);
        return await client.PostAsJsonAsync("/api/v1/notifications", body);
    }

    private static async Task<HttpResponseMessage> PostRawAsync(HubSandbox hub, string key, string body)
    {
        using var client = Client(hub, key);
        return await client.PostAsync("/api/v1/notifications", new StringContent(body, Encoding.UTF8, "application/json"));
    }

    private static async Task<HttpResponseMessage> GetAsync(HubSandbox hub, string key, string id)
    {
        using var client = Client(hub, key);
        return await client.GetAsync($"/api/v1/notifications/{id}");
    }

    private static async Task<JsonElement> WaitForStatusAsync(HubSandbox hub, string key, string id, string status, int seconds = 20)
    {
        JsonElement last = default;
        await HubSandbox.WaitUntilAsync(() =>
        {
            using var response = GetAsync(hub, key, id).GetAwaiter().GetResult();
            last = response.Content.ReadFromJsonAsync<JsonElement>().GetAwaiter().GetResult();
            return last.GetProperty("status").GetString() == status;
        }, $"notification {id} {status} (last: {last})", seconds);
        return last;
    }
}
