using System.Globalization;
using System.Text.Json;
using Larkway.Emulator.CardKit;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.CardKit;

/// <summary>
/// Test control for card entities (not part of Feishu): the cards, each card's current JSON and operation log, and the
/// counters a streaming test asserts on (300317 and rate-limit refusals, cards still streaming, streams closed by the
/// 10-minute rule). docs/emulator.md, "CardKit".
/// </summary>
internal static class CardKitControlEndpoints
{
    public static void MapCardKitControlEndpoints(this IEndpointRouteBuilder routes)
    {
        var control = routes.MapGroup("/_emulator/cardkit");
        control.MapGet("cards", (CardKitStore store) => Envelope.Ok(new { items = store.All().Select(c => Summary(store, c)).ToList() }));
        control.MapGet("cards/{card_id}", ([FromRoute(Name = "card_id")] string cardId, CardKitStore store) =>
        {
            var card = Require(store, cardId);
            using var json = JsonDocument.Parse(card.CardJson);
            return Envelope.Ok(new { card = Summary(store, card), card_json = json.RootElement.Clone() });
        });
        control.MapGet("cards/{card_id}/operations", ([FromRoute(Name = "card_id")] string cardId, CardKitStore store) =>
            Envelope.Ok(new { items = Require(store, cardId).Operations.Select(Operation).ToList() }));
        control.MapGet("stats", Stats);
        control.MapPost("stats/reset", (CardKitStore store) =>
        {
            store.ResetCounters();
            return Stats(store);
        });
    }

    private static IResult Stats(CardKitStore store)
    {
        var cards = store.All();
        var (counters, byCode) = store.Counters();
        return Envelope.Ok(new
        {
            cards = cards.Count,
            streaming_cards = cards.Where(store.IsStreaming).Select(c => c.CardId).ToList(),
            operations = counters.Operations,
            applied = counters.Applied,
            sequence_refusals = counters.SequenceRefusals,
            rate_limited = counters.RateLimited,
            interaction_refusals = counters.InteractionRefusals,
            streaming_refusals = counters.StreamingRefusals,
            auto_closed = counters.AutoClosed,
            refusals_by_code = byCode.OrderBy(p => p.Key).ToDictionary(p => p.Key.ToString(CultureInfo.InvariantCulture), p => p.Value),
        });
    }

    private static CardEntity Require(CardKitStore store, string cardId) =>
        store.Find(cardId) ?? throw new ApiErrorException(404, ErrorCodes.BadRequest, $"no card entity '{cardId}'");

    private static object Summary(CardKitStore store, CardEntity card) => new
    {
        card_id = card.CardId,
        app_id = card.AppId,
        message_id = card.MessageId,
        create_time = card.CreateTimeMs.ToString(CultureInfo.InvariantCulture),
        last_sequence = card.LastSequence,
        streaming = store.IsStreaming(card),
        streaming_since = card.StreamingSinceMs?.ToString(CultureInfo.InvariantCulture),
        streaming_timed_out = card.StreamingTimedOut,
        sent = card.SendClaimed,
        operations = card.Operations.Count,
    };

    private static object Operation(CardOperation op) => new
    {
        index = op.Index,
        kind = op.Kind,
        sequence = op.Sequence,
        uuid = op.Uuid,
        at = op.AtMs.ToString(CultureInfo.InvariantCulture),
        outcome = op.Outcome,
        code = op.Code,
        error = op.Error,
        element_id = op.ElementId,
        typing = op.Typing,
        typed_chars = op.TypedChars,
        text = op.Text,
    };
}
