namespace Larkway.Integration.Tests.Hub.Fuzz;

/// <summary>
/// A valid body for each route that reads one (as the docs show them), so that mutating one field at a time reaches
/// the code behind the route's first checks. A route without a sample still gets the generic malformed bodies.
/// </summary>
internal static class FuzzSamples
{
    /// <summary>Replaced with a fresh 32-hex id in every request, so that dedup does not swallow the mutations.</summary>
    public const string FreshId = "e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0";

    public const string Notification = """
        {"type": "fuzz.created", "idempotency_key": "fuzz-setup",
         "card": {"header": {"title": {"tag": "plain_text", "content": "PO-4711 created"}},
                  "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": "**Supplier:** ACME"}},
                               {"tag": "action", "actions": [{"tag": "button", "text": {"tag": "plain_text", "content": "OK"}, "value": {"action": "ok"}}]}]},
         "recipients": [{"email": "alice@example.com"}, {"department_id": "od-fuzz", "include_subdepartments": false}]}
        """;

    public const string Approval = """
        {"approval_code": "8B3D5A10-4C6E-4F1A-9D2B-7E5C3A1F0001", "applicant": {"email": "alice@example.com"},
         "form": {"amount": {"value": 1200, "currency": "CNY"}, "reason": "Team offsite", "method": "bank"},
         "reference": "PO-4711", "idempotency_key": "fuzz-approval"}
        """;

    /// <summary>An assistant with every settings document (its name fresh in every request), on the fuzz target's Feishu app.</summary>
    public const string Assistant = """
        {"name": "fz-e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0", "display_name": "Fuzz help desk", "backend": "openai", "base_url": "http://127.0.0.1:9/v1",
         "api_key": "app-fuzz-assistant-key-0001", "model": "qwen2.5:7b", "system_prompt": "Answer briefly.", "apps": ["fuzzapp"], "enabled": true,
         "policy": {"access": {"people": ["per_fuzz", "alice@example.com"], "departments": ["od-fuzz"]}, "direct_messages": "allowlist",
                    "direct_message_allowlist": {"people": ["alice@example.com"], "departments": []},
                    "groups": {"mode": "mention", "answer_at_all": false, "allowed": ["oc_fuzz"]}, "unknown_users": "link",
                    "commands": {"new": {"people": ["per_fuzz"], "departments": []}}},
         "sessions": {"mode": "conversation", "ttl_hours": 168, "history_turns": 10},
         "masking": {"to_backend": ["china_mobile", "email"], "to_platform": ["bank_card"]},
         "streaming": {"update_interval_ms": 500, "first_token_timeout_seconds": 60, "answer_timeout_seconds": 300, "dingtalk_card_template_id": "fuzz.schema"}}
        """;

    /// <summary>Samples by "METHOD pattern" (patterns as the Hub's endpoint data source lists them).</summary>
    public static readonly Dictionary<string, string[]> ByRoute = new(StringComparer.OrdinalIgnoreCase)
    {
        ["POST /api/v1/notifications"] =
        [
            Notification,
            """{"type": "payment.pending", "idempotency_key": "fuzz-typed", "app": "fuzzapp", "data": {"payment": {"number": "P-1", "amount": "¥ 10"}, "payer": {"email": "alice@example.com"}}}""",
            """{"type": "fuzz.template", "idempotency_key": "fuzz-template", "recipients": [{"chat_id": "oc_fuzz"}], "feishu_template": {"template_id": "AAq1", "template_version_name": "1.0.0", "template_variable": {"a": [1, {"b": null}]}}}""",
        ],
        ["PATCH /api/v1/notifications/{id}"] =
        [
            """{"card": {"elements": [{"tag": "div", "text": {"tag": "plain_text", "content": "updated"}}]}}""",
            """{"data": {"payment": {"number": "P-2"}}}""",
        ],
        ["POST /api/v1/approvals"] = [Approval],
        ["POST /api/v1/api-keys"] = ["""{"name": "erp", "types": ["purchase_order.*", "payment.pending"]}"""],
        ["POST /api/v1/webhooks"] = ["""{"url": "http://127.0.0.1:9/hooks", "event_types": ["im.message.*", "larkway.approval.*"], "description": "ERP"}"""],
        ["POST /api/v1/apps"] = ["""{"name": "fz2", "app_id": "cli_fz2", "app_secret": "s", "encrypt_key": "e", "verification_token": "v", "base_url": "lark", "enabled": true}"""],
        ["PATCH /api/v1/apps/{name}"] = ["""{"enabled": true, "base_url": "feishu", "verification_token": "fuzz-app-verification-token"}"""],
        ["PUT /api/v1/notification-types/{name}"] =
        [
            """
            {"description": "Fuzz", "enabled": true,
             "template": {"header": {"title": {"tag": "plain_text", "content": "{{po.number}}"}},
                          "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": "{{#each lines}}- {{name}} × {{qty}}\n{{/each}}"}},
                                       {"tag": "action", "actions": [{"tag": "button", "text": {"tag": "plain_text", "content": "Approve"}, "value": {"action": "approve"}}]}]},
             "sample_data": {"po": {"number": "PO-1"}, "lines": [{"name": "Pen", "qty": 2}], "owner": {"email": "alice@example.com"}},
             "recipients": [{"email": "{{owner.email}}"}],
             "actions": {"approve": {"decision": "approved", "toast": {"type": "success", "content": "Approved {{po.number}}"}}}}
            """,
        ],
        ["POST /api/v1/identity/clients"] =
        [
            """{"name": "Fuzz wiki", "kind": "confidential", "redirect_uris": ["https://fuzz.example.com/cb"], "post_logout_redirect_uris": ["https://fuzz.example.com/out"], "scopes": ["openid", "email"], "allowed_people": ["per_fuzz"], "allowed_departments": ["od-fuzz"], "require_pkce": true}""",
        ],
        ["PATCH /api/v1/identity/clients/{id}"] = ["""{"name": "Fuzz wiki 2", "kind": "public", "redirect_uris": ["http://127.0.0.1:9/cb"], "enabled": true, "scopes": ["openid"]}"""],
        ["POST /oidc/register"] = [OidcCases.Registration],
        ["POST /api/v1/notification-types/{name}/preview"] = ["""{"data": {"payment": {"number": "P-1"}, "payer": {"email": "alice@example.com"}}}"""],
        ["POST /api/v1/bitable-syncs/{id}/conflicts/{conflict}/resolve"] = ["""{"side": "database"}"""],
        ["POST /api/v1/directory/link-conflicts/{id}/resolve"] = ["""{"person_id": "per_fuzz"}"""],
        ["POST /api/v1/assistants/"] = [Assistant],
        ["PATCH /api/v1/assistants/{name}"] =
        [
            """{"display_name": "Fuzz desk 2", "enabled": true, "policy": {"groups": {"mode": "all", "answer_at_all": true}, "unknown_users": "guest"}, "sessions": {"mode": "thread", "ttl_hours": 24, "history_turns": 0}}""",
            """{"backend": "dify", "model": "", "system_prompt": "", "api_key": "app-fuzz-assistant-key-0002", "apps": ["fuzzapp", "fuzzding"], "masking": {"to_backend": [], "to_platform": ["email"]}, "streaming": {"update_interval_ms": 100}}""",
        ],
    };

    /// <summary>
    /// A Bitable sync's definition on the fuzz target's base and SQLite table (<paramref name="appToken"/>,
    /// <paramref name="tableId"/>, <paramref name="connection"/>): valid as a whole, so each mutation meets the checks
    /// against the live base and schema.
    /// </summary>
    public static string BitableSync(string appToken, string tableId, string connection) => System.Text.Json.JsonSerializer.Serialize(new
    {
        name = "Fuzz orders " + FreshId,
        app_token = appToken,
        table_id = tableId,
        database = new { kind = "sqlite", connection_string = connection },
        table = "orders",
        key = new { column = "order_no", field = "Order" },
        columns = new[] { new { column = "amount", field = "Amount" }, new { column = "status", field = "Status" } },
        direction = "both",
        capture = "triggers",
        conflicts = "hold_for_review",
        propagate_deletes = false,
        interval_seconds = 3600,
        full_diff_every = 60,
    });

    /// <summary>Plaintext bodies Feishu sends an app whose verification token is <paramref name="token"/>.</summary>
    public static IEnumerable<(string Name, string Body, bool Legacy)> Feishu(string token, string notificationId) =>
    [
        ("v2-message", $$$$$"""
            {"schema": "2.0", "header": {"event_id": "{{{{{FreshId}}}}}", "event_type": "im.message.receive_v1", "create_time": "1700000000000", "token": "{{{{{token}}}}}", "app_id": "cli_x", "tenant_key": "t1"},
             "event": {"sender": {"sender_id": {"open_id": "ou_a", "user_id": "u_a", "union_id": "on_a"}, "sender_type": "user", "tenant_key": "t1"},
                       "message": {"message_id": "om_{{{{{FreshId}}}}}", "create_time": "1700000000000", "chat_id": "oc_fuzz", "chat_type": "group", "message_type": "text",
                                   "content": "{\"text\":\"@_user_1 /help\"}", "mentions": [{"key": "@_user_1", "id": {"open_id": "ou_bot"}, "name": "Bot", "tenant_key": "t1"}]}}}
            """, false),
        ("v2-card-action", $$$$$"""
            {"schema": "2.0", "header": {"event_id": "{{{{{FreshId}}}}}", "event_type": "card.action.trigger", "create_time": "1700000000000", "token": "{{{{{token}}}}}", "app_id": "cli_x", "tenant_key": "t1"},
             "event": {"operator": {"open_id": "ou_a", "user_id": "u_a", "union_id": "on_a"}, "token": "c-{{{{{FreshId}}}}}",
                       "action": {"tag": "button", "value": {"action": "approve", "larkway_notification": "{{{{{notificationId}}}}}", "larkway_type": "fuzz.created"}, "form_value": {"a": "b"}},
                       "host": "im_message", "context": {"open_message_id": "om_fuzz", "open_chat_id": "oc_fuzz"}}}
            """, false),
        ("v1-event", $$$$$"""
            {"uuid": "{{{{{FreshId}}}}}", "token": "{{{{{token}}}}}", "ts": "1700000000.1", "type": "event_callback",
             "event": {"type": "approval_instance", "app_id": "cli_x", "tenant_key": "t1", "approval_code": "A", "instance_code": "I", "status": "APPROVED", "operate_time": "1700000000000", "instance_operate_time": "1700000000000", "uuid": "u"}}
            """, false),
        ("url-verification", $$$$$"""{"challenge": "c-{{{{{FreshId}}}}}", "token": "{{{{{token}}}}}", "type": "url_verification"}""", false),
        ("legacy-card", $$$$$"""
            {"open_id": "ou_a", "user_id": "u_a", "open_message_id": "om_fuzz", "open_chat_id": "oc_fuzz", "tenant_key": "t1", "token": "c-{{{{{FreshId}}}}}",
             "action": {"tag": "button", "value": {"action": "approve", "larkway_notification": "{{{{{notificationId}}}}}"}, "option": "x"}}
            """, true),
    ];

    /// <summary>An outgoing robot's message as DingTalk posts it (its session webhook leads nowhere: replies fail downstream).</summary>
    public static string DingTalkRobotMessage(string robotCode) => $$$$$"""
        {"msgId": "msg{{{{{FreshId}}}}}", "conversationId": "cidfuzz==", "conversationType": "2", "conversationTitle": "Fuzz",
         "senderId": "$:LWCP_v1:$fuzz", "senderStaffId": "alice", "senderNick": "Alice", "senderCorpId": "dingcorp", "chatbotUserId": "$:LWCP_v1:$bot",
         "robotCode": "{{{{{robotCode}}}}}", "isAdmin": false, "isInAtList": true, "atUsers": [{"dingtalkId": "$:LWCP_v1:$bot"}],
         "msgtype": "text", "text": {"content": " hello fuzz"}, "createAt": 1700000000000,
         "sessionWebhook": "http://127.0.0.1:9/robot/sendBySession?session=fuzz", "sessionWebhookExpiredTime": 4102444800000}
        """;

    /// <summary>An event subscription's plaintext (before encryption).</summary>
    public static string DingTalkEvent(string corpId) => $$$$$"""
        {"EventType": "user_add_org", "TimeStamp": 1700000000000, "CorpId": "{{{{{corpId}}}}}", "UserId": ["alice"], "OptStaffId": "{{{{{FreshId}}}}}"}
        """;
}
