// Drives a Hub with the C# client Kiota generated from its OpenAPI document (namespace Larkway.HubClient, made by the
// test from the running Hub's document), as a business system would: typed bodies in, typed answers and problems out.
// Usage: dotnet HubClientDriver.dll <hub url> <key> <webhook receiver url> <approval code> <run name>
// Prints one JSON object per line: {"webhook"…}, {"notification"…}, {"problem"…}, {"approval"…}, {"delivery"…}.
using System.Text.Json;
using Larkway.HubClient;
using Larkway.HubClient.Api.V1.Webhooks.Item.Deliveries;
using Larkway.HubClient.Models;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Http.HttpClientLibrary;

if (args.Length != 5)
{
    Console.Error.WriteLine("usage: HubClientDriver <hub url> <key> <webhook receiver url> <approval code> <run name>");
    return 2;
}

var (hubUrl, key, receiverUrl, approvalCode, run) = (args[0], args[1], args[2], args[3], args[4]);
var adapter = new HttpClientRequestAdapter(new BaseBearerTokenAuthenticationProvider(new StaticKey(key, new Uri(hubUrl).Host)))
{
    BaseUrl = hubUrl.TrimEnd('/'),
};
var hub = new HubApiClient(adapter);

try
{
    // A webhook subscription for the approval's events.
    var webhook = await hub.Api.V1.Webhooks.PostAsync(new WebhookCreateDto
    {
        Url = receiverUrl,
        EventTypes = ["larkway.approval.*"],
        Description = $"{run} client",
    }) ?? throw new InvalidOperationException("no webhook in the answer");
    Print(new { webhook = webhook.Id, secret = webhook.Secret?.StartsWith("whsec_", StringComparison.Ordinal) ?? false });

    // A notification, sent once, until the Hub says it was sent.
    var accepted = await hub.Api.V1.Notifications.PostAsync(new NotificationCreateBody
    {
        Type = "purchase_order.created",
        IdempotencyKey = $"{run}-po-4711-created",
        Recipients = [new() { Email = "alice@example.com" }],
        Card = Members<NotificationCreateBody_card>(new
        {
            header = new { title = new { tag = "plain_text", content = $"Purchase order PO-4711 ({run})" } },
            elements = new[] { new { tag = "div", text = new { tag = "lark_md", content = "**Created** by the ERP" } } },
        }),
    }) ?? throw new InvalidOperationException("no notification in the answer");
    var sent = await Until("the notification to be sent", async () =>
    {
        var notification = await hub.Api.V1.Notifications[accepted.Id!].GetAsync();
        return notification?.Status == NotificationStatus.Sent ? notification : null;
    });
    Print(new { notification = sent.Id, status = "sent", message_id = sent.Recipients?.FirstOrDefault()?.MessageId });

    // A bad request: the typed problem names the field to fix.
    try
    {
        await hub.Api.V1.Notifications.PostAsync(new NotificationCreateBody
        {
            Type = "purchase order",
            IdempotencyKey = $"{run}-bad",
            Recipients = [new() { Email = "alice@example.com" }],
        });
        Print(new { problem = 0, fields = Array.Empty<string>() });
    }
    catch (HubProblemDto problem)
    {
        Print(new { problem = problem.ResponseStatusCode, fields = problem.Errors?.Select(e => e.Field).ToArray() ?? [] });
    }

    // An approval, then its state and the webhook delivery of its first event.
    var created = await hub.Api.V1.Approvals.PostAsync(new ApprovalCreateBody
    {
        ApprovalCode = approvalCode,
        Applicant = new() { Email = "alice@example.com" },
        Form = Members<ApprovalCreateBody_form>(new { amount = new { value = 1200, currency = "CNY" }, reason = "Team offsite", method = "bank" }),
        Reference = "PO-4711",
        IdempotencyKey = $"{run}-po-4711-approval",
    }) ?? throw new InvalidOperationException("no approval in the answer");
    var approval = await hub.Api.V1.Approvals[created.Id!].GetAsync() ?? throw new InvalidOperationException("no approval to read");
    Print(new { approval = approval.Id, status = approval.Status?.ToString().ToLowerInvariant(), instance_code = approval.InstanceCode });

    var delivery = await Until("the approval's webhook delivery", async () =>
    {
        var page = await hub.Api.V1.Webhooks[webhook.Id!].Deliveries.GetAsync(request =>
            request.QueryParameters.Status = GetStatusQueryParameterType.Delivered);
        return page?.Items?.FirstOrDefault(d => d.EventType == "larkway.approval.submitted");
    });
    Print(new { delivery = delivery.EventType, status = delivery.Status?.ToString().ToLowerInvariant(), event_id = delivery.EventId });
    return 0;
}
catch (Exception e)
{
    Print(new { error = e is HubProblemDto p ? $"{p.ResponseStatusCode} {p.Title} {p.Detail}" : e.ToString() });
    return 1;
}

static void Print(object line) => Console.WriteLine(JsonSerializer.Serialize(line));

// A free-form object (a card, a form): Kiota models it as a class of additional data, each member an untyped node.
static T Members<T>(object value)
    where T : IAdditionalDataHolder, new()
{
    var model = new T();
    foreach (var member in JsonSerializer.SerializeToElement(value).EnumerateObject())
    {
        model.AdditionalData[member.Name] = Untyped(member.Value);
    }

    return model;
}

static UntypedNode Untyped(JsonElement element) => element.ValueKind switch
{
    JsonValueKind.Object => new UntypedObject(element.EnumerateObject().ToDictionary(p => p.Name, p => Untyped(p.Value))),
    JsonValueKind.Array => new UntypedArray([.. element.EnumerateArray().Select(Untyped)]),
    JsonValueKind.String => new UntypedString(element.GetString()),
    JsonValueKind.Number => element.TryGetInt64(out var whole) ? new UntypedLong(whole) : new UntypedDouble(element.GetDouble()),
    JsonValueKind.True or JsonValueKind.False => new UntypedBoolean(element.GetBoolean()),
    _ => new UntypedNull(),
};

// Waits for a condition the Hub reaches on its own (a delivery, a webhook); the guard only stops a hang.
static async Task<T> Until<T>(string what, Func<Task<T?>> probe) where T : class
{
    using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
    while (true)
    {
        if (await probe() is { } value)
        {
            return value;
        }

        if (guard.IsCancellationRequested)
        {
            throw new TimeoutException($"gave up waiting for {what}");
        }

        await Task.Delay(50);
    }
}

/// <summary>The Hub's key as a bearer token, sent only to the Hub's own host.</summary>
internal sealed class StaticKey(string key, string host) : IAccessTokenProvider
{
    public AllowedHostsValidator AllowedHostsValidator { get; } = new([host]);

    public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(AllowedHostsValidator.IsUrlHostValid(uri) ? key : "");
}
