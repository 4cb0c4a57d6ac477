using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Feishu.Cards;
using Larkway.Hub.Notifications.Actions;

namespace Larkway.Hub.Notifications.Types;

/// <summary>
/// The notification types' application logic, apart from HTTP: a change merged into the stored type and checked as a
/// whole, a preview rendered with data. The endpoints (<c>NotificationTypesApi.cs</c>) say who may change types, read
/// the body, audit and map each outcome to a status.
/// </summary>
internal sealed class NotificationTypeService(NotificationTypeStore store, NotificationChannels? channels = null)
{
    /// <summary>The recipient kinds a type may name: the registered channels' (<see cref="NotificationChannels.RecipientTypes"/>).</summary>
    public IReadOnlyList<string> RecipientTypes => channels?.RecipientTypes ?? NotificationRequest.RecipientTypes;

    /// <summary>Longest description.</summary>
    public const int MaxDescriptionLength = 1000;

    /// <summary>Every type, by name.</summary>
    public Task<IReadOnlyList<NotificationTypeRow>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    /// <summary>Up to <paramref name="take"/> + 1 types by name after <paramref name="after"/>.</summary>
    public Task<IReadOnlyList<NotificationTypeRow>> ListPageAsync(string? after, int take, CancellationToken cancellationToken) => store.ListPageAsync(after, take, cancellationToken);

    /// <summary>One type, or null.</summary>
    public Task<NotificationTypeRow?> GetAsync(string name, CancellationToken cancellationToken) => store.GetAsync(name, cancellationToken);

    /// <summary>
    /// Creates or changes a type from <paramref name="changes"/> (the request's object): fields left out keep their
    /// current values, so <c>{"enabled": false}</c> is the switch. The merged type is checked whole — its template with its
    /// sample data, its recipients, then its actions — before it is stored.
    /// </summary>
    public async Task<NotificationTypePutResult> PutAsync(string name, JsonObject changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var existing = await store.GetAsync(name, cancellationToken).ConfigureAwait(false);
        var problems = new List<NotificationProblem>();
        var type = new NotificationTypeRow
        {
            Name = name,
            Description = Text(changes, "description", problems) ?? existing?.Description ?? "",
            Enabled = Flag(changes, "enabled", problems) ?? existing?.Enabled ?? true,
            Template = Json(changes, "template") ?? existing?.Template ?? "",
            SampleData = Json(changes, "sample_data") ?? existing?.SampleData ?? "{}",
            Recipients = Json(changes, "recipients") ?? existing?.Recipients ?? "[]",
            Actions = Json(changes, "actions") ?? existing?.Actions ?? "{}",
        };
        if (existing is null && !changes.ContainsKey("template"))
        {
            problems.Add(new("template", "Required for a new type: the card JSON, with {{placeholders}} for the data."));
        }

        if (problems.Count == 0)
        {
            problems.AddRange(NotificationTypeDefinition.Validate(type.Name, type.Template, type.SampleData, type.Recipients, RecipientTypes));
            if (problems.Count == 0)
            {
                problems.AddRange(NotificationTypeAction.Validate(type.Actions, type.SampleData));
            }
        }

        if (problems.Count > 0)
        {
            return new NotificationTypePutResult(NotificationTypePutOutcome.Invalid, null, problems);
        }

        var created = await store.PutAsync(type, cancellationToken).ConfigureAwait(false);
        return new NotificationTypePutResult(created ? NotificationTypePutOutcome.Created : NotificationTypePutOutcome.Updated, type, []);
    }

    /// <summary>Deletes a type; false when none has the name.</summary>
    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken) => store.DeleteAsync(name, cancellationToken);

    /// <summary>
    /// The type's card rendered with <paramref name="data"/> (a JSON object): what recipients would see, who they would
    /// be, and what is wrong with it — or, when the template cannot be rendered with the data, why.
    /// </summary>
    public static NotificationPreviewResult Preview(NotificationTypeRow type, string data, IReadOnlyList<string>? recipientTypes = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        using var document = JsonDocument.Parse(data);
        var problems = new List<NotificationProblem>();
        var card = NotificationTypeDefinition.RenderCard(JsonNode.Parse(type.Template)!, document.RootElement, "data", problems);
        var recipients = card is null ? [] : NotificationTypeDefinition.RenderRecipients(JsonNode.Parse(type.Recipients)!, document.RootElement, "data", problems, recipientTypes);
        return new NotificationPreviewResult(card, recipients, problems);
    }

    private static string? Text(JsonObject body, string field, List<NotificationProblem> problems)
    {
        if (!body.TryGetPropertyValue(field, out var value) || value is null)
        {
            return null;
        }

        if (value.GetValueKind() != JsonValueKind.String || value.GetValue<string>().Length > MaxDescriptionLength)
        {
            problems.Add(new(field, "Must be a string of at most 1,000 characters."));
            return null;
        }

        return value.GetValue<string>();
    }

    private static bool? Flag(JsonObject body, string field, List<NotificationProblem> problems)
    {
        if (!body.TryGetPropertyValue(field, out var value) || value is null)
        {
            return null;
        }

        if (value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            problems.Add(new(field, "Must be true or false."));
            return null;
        }

        return value.GetValue<bool>();
    }

    private static string? Json(JsonObject body, string field) =>
        body.TryGetPropertyValue(field, out var value) && value is not null ? value.ToJsonString() : null;
}

/// <summary>What became of a type's change.</summary>
internal enum NotificationTypePutOutcome
{
    /// <summary>A new type was stored.</summary>
    Created,

    /// <summary>The stored type was changed.</summary>
    Updated,

    /// <summary>The merged type is not valid (<see cref="NotificationTypePutResult.Problems"/>); nothing was stored.</summary>
    Invalid,
}

/// <summary>The outcome of <see cref="NotificationTypeService.PutAsync"/>: the type as stored, or its problems.</summary>
internal sealed record NotificationTypePutResult(NotificationTypePutOutcome Outcome, NotificationTypeRow? Type, IReadOnlyList<NotificationProblem> Problems);

/// <summary>A rendered card (null when it cannot be rendered at all), who it would go to, and what a submit with this data would be refused for.</summary>
internal sealed record NotificationPreviewResult(JsonNode? Card, IReadOnlyList<NotificationRecipient> Recipients, IReadOnlyList<NotificationProblem> Problems);
