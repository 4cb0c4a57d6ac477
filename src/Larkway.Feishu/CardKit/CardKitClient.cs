using System.Text.Json;
using Larkway.Feishu.Http;
using Larkway.Feishu.Json;

namespace Larkway.Feishu.CardKit;

/// <summary>
/// CardKit v1 (<c>/open-apis/cardkit/v1/cards</c>): card entities for streamed answers. Every write on a card carries the
/// card's next sequence number (strictly increasing across all CardKit calls on it, <see cref="Sequences"/>) and a uuid
/// idempotency key (generated unless given), goes out after the card's previous write has been answered, and is paced to
/// at most 10 a second per card — so 300317 and the per-card rate refusal do not happen in normal use. Failures are
/// <see cref="FeishuApiException"/> with the CardKit codes in <see cref="FeishuErrorCodes"/> (<c>CardKit…</c>).
/// </summary>
public class CardKitClient
{
    private const string Cards = "/open-apis/cardkit/v1/cards";

    private readonly FeishuPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected CardKitClient()
    {
    }

    internal CardKitClient(FeishuPipeline pipeline) => _pipeline = pipeline;

    /// <summary>The app's per-card sequence numbers (to read the last one, or to resume a card above a stored one).</summary>
    public virtual CardKitSequences Sequences => _pipeline.App.CardKit.Sequences;

    /// <summary>Creates a card entity from card JSON 2.0 (<c>type: card_json</c>); returns its card id. Send it once, as <c>{"type":"card","data":{"card_id":…}}</c>.</summary>
    /// <exception cref="ArgumentException">The card is not JSON.</exception>
    public virtual Task<string> CreateAsync(string cardJson, CancellationToken cancellationToken = default) =>
        CreateAsync("card_json", CardKitChecks.Json(cardJson, nameof(cardJson)), cancellationToken);

    /// <summary>Creates a card entity from a card builder template (<c>type: template</c>); returns its card id.</summary>
    /// <param name="templateId">The template's id.</param>
    /// <param name="versionName">The template version; null for the latest.</param>
    /// <param name="variablesJson">The template variables as a JSON object, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<string> CreateFromTemplateAsync(string templateId, string? versionName = null, string? variablesJson = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(templateId);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("template_id", templateId);
            if (versionName is not null)
            {
                writer.WriteString("template_version_name", versionName);
            }

            if (variablesJson is not null)
            {
                writer.WritePropertyName("template_variable");
                writer.WriteRawValue(CardKitChecks.Json(variablesJson, nameof(variablesJson)));
            }

            writer.WriteEndObject();
        }

        return CreateAsync("template", System.Text.Encoding.UTF8.GetString(buffer.ToArray()), cancellationToken);
    }

    /// <summary>Changes the card's settings (<c>PATCH …/settings</c>): streaming mode, summary, streaming config.</summary>
    /// <exception cref="ArgumentException">Nothing to change, or a bad card id or uuid.</exception>
    public virtual Task<CardKitWrite> UpdateSettingsAsync(string cardId, CardKitSettings settings, string? uuid = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings is { StreamingMode: null, Summary: null, StreamingConfig: null })
        {
            throw new ArgumentException("The settings change nothing: set StreamingMode, Summary or StreamingConfig.", nameof(settings));
        }

        var document = new SettingsDocument(new SettingsConfig(settings.StreamingMode, settings.Summary is null ? null : new SummaryWire(settings.Summary), settings.StreamingConfig));
        var json = JsonSerializer.Serialize(document, CardKitJson.Context.SettingsDocument);
        return WriteAsync(HttpMethod.Patch, cardId, "/settings", "/{card_id}/settings", uuid, (key, sequence) => JsonBody.Create(new SettingsBody(json, key, sequence), CardKitJson.Context.SettingsBody), cancellationToken);
    }

    /// <summary>Switches streaming mode on (with an optional chat-list summary) or off.</summary>
    public virtual Task<CardKitWrite> SetStreamingModeAsync(string cardId, bool on, string? summary = null, CancellationToken cancellationToken = default) =>
        UpdateSettingsAsync(cardId, new CardKitSettings(on, summary), null, cancellationToken);

    /// <summary>Replaces the whole card (<c>PUT …/cards/{card_id}</c>) with card JSON 2.0.</summary>
    public virtual Task<CardKitWrite> UpdateAsync(string cardId, string cardJson, string? uuid = null, CancellationToken cancellationToken = default)
    {
        var data = CardKitChecks.Json(cardJson, nameof(cardJson));
        return WriteAsync(HttpMethod.Put, cardId, string.Empty, "/{card_id}", uuid, (key, sequence) => JsonBody.Create(new UpdateCardEntityBody(new CardBody("card_json", data), key, sequence), CardKitJson.Context.UpdateCardEntityBody), cancellationToken);
    }

    /// <summary>Applies several changes at once (<c>POST …/batch_update</c>), in order.</summary>
    /// <exception cref="ArgumentException">No actions.</exception>
    public virtual Task<CardKitWrite> BatchUpdateAsync(string cardId, IReadOnlyList<CardKitAction> actions, string? uuid = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count == 0)
        {
            throw new ArgumentException("Give at least one action (CardKitAction.UpdateElement(…), .AddElements(…), …).", nameof(actions));
        }

        var json = JsonSerializer.Serialize(actions.Select(a => new ActionWire(a.Action, a.Params)).ToList(), CardKitJson.Context.ListActionWire);
        return WriteAsync(HttpMethod.Post, cardId, "/batch_update", "/{card_id}/batch_update", uuid, (key, sequence) => JsonBody.Create(new BatchUpdateBody(json, key, sequence), CardKitJson.Context.BatchUpdateBody), cancellationToken);
    }

    /// <summary>Adds elements (<paramref name="elementsJson"/>, a JSON array) at the end or next to <paramref name="targetElementId"/>.</summary>
    public virtual Task<CardKitWrite> CreateElementsAsync(string cardId, CardKitInsertion insertion, string? targetElementId, string elementsJson, string? uuid = null, CancellationToken cancellationToken = default)
    {
        CardKitChecks.Target(insertion, targetElementId);
        var elements = CardKitChecks.Json(elementsJson, nameof(elementsJson));
        if (!elements.TrimStart().StartsWith('['))
        {
            throw new ArgumentException("elementsJson must be a JSON array of elements.", nameof(elementsJson));
        }

        return WriteAsync(HttpMethod.Post, cardId, "/elements", "/{card_id}/elements", uuid, (key, sequence) => JsonBody.Create(new CreateElementsBody(CardKitChecks.Wire(insertion), targetElementId, elements, key, sequence), CardKitJson.Context.CreateElementsBody), cancellationToken);
    }

    /// <summary>Replaces one element (<c>PUT …/elements/{element_id}</c>).</summary>
    public virtual Task<CardKitWrite> UpdateElementAsync(string cardId, string elementId, string elementJson, string? uuid = null, CancellationToken cancellationToken = default)
    {
        var element = CardKitChecks.ElementId(elementId, nameof(elementId));
        var json = CardKitChecks.Json(elementJson, nameof(elementJson));
        return WriteAsync(HttpMethod.Put, cardId, "/elements/" + element, "/{card_id}/elements/{element_id}", uuid, (key, sequence) => JsonBody.Create(new UpdateElementBody(json, key, sequence), CardKitJson.Context.UpdateElementBody), cancellationToken);
    }

    /// <summary>Changes some properties of one element (<c>PATCH …/elements/{element_id}</c>; its tag cannot change).</summary>
    public virtual Task<CardKitWrite> PatchElementAsync(string cardId, string elementId, string partialElementJson, string? uuid = null, CancellationToken cancellationToken = default)
    {
        var element = CardKitChecks.ElementId(elementId, nameof(elementId));
        var json = CardKitChecks.Json(partialElementJson, nameof(partialElementJson));
        return WriteAsync(HttpMethod.Patch, cardId, "/elements/" + element, "/{card_id}/elements/{element_id}", uuid, (key, sequence) => JsonBody.Create(new PatchElementBody(json, key, sequence), CardKitJson.Context.PatchElementBody), cancellationToken);
    }

    /// <summary>Deletes one element (<c>DELETE …/elements/{element_id}</c>, with a JSON body).</summary>
    public virtual Task<CardKitWrite> DeleteElementAsync(string cardId, string elementId, string? uuid = null, CancellationToken cancellationToken = default)
    {
        var element = CardKitChecks.ElementId(elementId, nameof(elementId));
        return WriteAsync(HttpMethod.Delete, cardId, "/elements/" + element, "/{card_id}/elements/{element_id}", uuid, (key, sequence) => JsonBody.Create(new DeleteElementBody(key, sequence), CardKitJson.Context.DeleteElementBody), cancellationToken);
    }

    /// <summary>
    /// Streams text into a <c>markdown</c> or <c>plain_text</c> element (<c>PUT …/elements/{element_id}/content</c>): send
    /// the whole text so far each time; when the shown text is a prefix of it only the rest is typed out. The card must be in
    /// streaming mode (else 300309; 200850 after the 10-minute window).
    /// </summary>
    /// <exception cref="ArgumentException">The text is empty or over 100,000 characters.</exception>
    public virtual Task<CardKitWrite> StreamTextAsync(string cardId, string elementId, string content, string? uuid = null, CancellationToken cancellationToken = default)
    {
        var element = CardKitChecks.ElementId(elementId, nameof(elementId));
        var text = CardKitChecks.Content(content, nameof(content));
        return WriteAsync(HttpMethod.Put, cardId, $"/elements/{element}/content", "/{card_id}/elements/{element_id}/content", uuid, (key, sequence) => JsonBody.Create(new ContentBody(text, key, sequence), CardKitJson.Context.ContentBody), cancellationToken);
    }

    /// <summary>The card id of a card message (<c>POST …/id_convert</c>), so a card sent as JSON can be updated through CardKit.</summary>
    public virtual async Task<string> ConvertIdAsync(string messageId, CancellationToken cancellationToken = default)
    {
        messageId = Im.Checks.Id(messageId, nameof(messageId), "om_…");
        var request = new FeishuRequest(HttpMethod.Post, Cards + "/id_convert", Cards + "/id_convert")
        {
            Content = JsonBody.Create(new IdConvertBody(messageId), CardKitJson.Context.IdConvertBody),
            Idempotent = true,
        };
        var data = await _pipeline.SendAsync(request, CardKitJson.Context.CardIdEnvelope, cancellationToken).ConfigureAwait(false);
        return data.CardId is { Length: > 0 } id ? id : throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, "The platform returned no card_id for the message.");
    }

    private async Task<string> CreateAsync(string type, string data, CancellationToken cancellationToken)
    {
        var request = new FeishuRequest(HttpMethod.Post, Cards, Cards)
        {
            Content = JsonBody.Create(new CreateCardBody(type, data), CardKitJson.Context.CreateCardBody),
        };
        await _pipeline.App.CardKit.Budget.TakeAsync(Cards, cancellationToken).ConfigureAwait(false);
        var created = await _pipeline.SendAsync(request, CardKitJson.Context.CardIdEnvelope, cancellationToken).ConfigureAwait(false);
        var id = created.CardId is { Length: > 0 } cardId ? cardId : throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, "The platform returned no card_id for the new card.");
        _pipeline.App.CardKit.Sequences.Created(id);
        return id;
    }

    private Task<CardKitWrite> WriteAsync(HttpMethod method, string cardId, string suffix, string template, string? uuid, Func<string, int, HttpContent> body, CancellationToken cancellationToken)
    {
        cardId = CardKitChecks.CardId(cardId, nameof(cardId));
        var key = CardKitChecks.Uuid(uuid, nameof(uuid));
        return _pipeline.App.CardKit.RunAsync(cardId, Cards + template, async sequence =>
        {
            var request = new FeishuRequest(method, $"{Cards}/{Query.Segment(cardId)}{suffix}", Cards + template)
            {
                Content = body(key, sequence),

                // The uuid makes a repeat a no-op, and the repeat carries the same sequence.
                Idempotent = true,
            };
            await _pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return new CardKitWrite(sequence, key);
        }, cancellationToken);
    }
}
