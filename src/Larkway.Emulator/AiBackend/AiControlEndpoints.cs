using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.AiBackend;

/// <summary>
/// Test control of the fake AI backend under <c>/_emulator/ai</c>: what it received, its settings (token rate, answer
/// length, Dify app mode), its faults, and Dify's conversations (the knowledge API's own under /knowledge: see
/// <see cref="KnowledgeControlEndpoints"/>). Not part of Dify or OpenAI; no authentication (the
/// emulator binds to loopback). Refusals are 400 <c>{"error": "…"}</c>.
/// </summary>
internal static class AiControlEndpoints
{
    public const string Prefix = "/_emulator/ai";

    public static void MapAiControlEndpoints(this IEndpointRouteBuilder routes)
    {
        var control = routes.MapGroup(Prefix);
        control.MapGet("requests", (HttpContext context, AiRequestLog log) =>
            Results.Json(new { items = log.List(context.Request.Query["backend"].FirstOrDefault()).Select(r => r.ToWire()) }, SseWriter.Json));
        control.MapDelete("requests", (AiRequestLog log) => Results.Json(new { cleared = log.Clear() }, SseWriter.Json));
        control.MapGet("settings", (AiSettings settings) => Results.Json(settings.Current.ToWire(), SseWriter.Json));
        control.MapPut("settings", ChangeSettingsAsync);
        control.MapGet("faults", (AiFaults faults) => Results.Json(new { items = faults.List().Select(f => f.ToWire()) }, SseWriter.Json));
        control.MapPost("faults", ArmAsync);
        control.MapDelete("faults", (AiFaults faults) =>
        {
            faults.Clear();
            return Results.Json(new { cleared = true }, SseWriter.Json);
        });
        control.MapGet("conversations", (DifyConversations conversations) => Results.Json(new
        {
            items = conversations.List().Select(c => new { conversation_id = c.Id, user = c.User, created_at = c.CreatedAt, turns = c.Turns }),
        }, SseWriter.Json));
    }

    private static async Task<IResult> ChangeSettingsAsync(HttpContext context, AiSettings settings)
    {
        if (AiWire.ParseObject(await AiWire.ReadBodyAsync(context.Request, context.RequestAborted)) is not { } body)
        {
            return Refuse("the body must be a JSON object such as {\"tokens_per_second\": 50, \"answer_words\": 10, \"dify_mode\": \"chat\"}");
        }

        double? rate = null;
        int? words = null;
        if (body.TryGetProperty("tokens_per_second", out var r))
        {
            if (r.ValueKind != JsonValueKind.Number)
            {
                return Refuse("tokens_per_second must be a number");
            }

            rate = r.GetDouble();
        }

        if (body.TryGetProperty("answer_words", out var w))
        {
            if (w.ValueKind != JsonValueKind.Number || !w.TryGetInt32(out var parsed))
            {
                return Refuse("answer_words must be an integer");
            }

            words = parsed;
        }

        return settings.Change(rate, words, AiWire.String(body, "dify_mode")) is { } error
            ? Refuse(error)
            : Results.Json(settings.Current.ToWire(), SseWriter.Json);
    }

    private static async Task<IResult> ArmAsync(HttpContext context, AiFaults faults)
    {
        if (AiWire.ParseObject(await AiWire.ReadBodyAsync(context.Request, context.RequestAborted)) is not { } body)
        {
            return Refuse("the body must be a JSON object such as {\"kind\": \"rate_limit\", \"backend\": \"dify\", \"count\": 1}");
        }

        if (AiFault.Parse(AiWire.String(body, "kind")) is not { } kind)
        {
            return Refuse("kind must be one of slow_first_token, error_mid_stream, rate_limit, server_error, hang, moderation");
        }

        var backend = AiWire.String(body, "backend");
        if (backend is not (null or DifyEndpoints.Backend or OpenAiEndpoints.Backend))
        {
            return Refuse("backend must be \"dify\", \"openai\" or absent (both)");
        }

        if (Int(body, "count", 1) is not { } count || count < 1)
        {
            return Refuse("count must be an integer of at least 1");
        }

        if (Int(body, "delay_ms", 2000) is not { } delay || delay < 0)
        {
            return Refuse("delay_ms must be an integer of at least 0");
        }

        int? afterTokens = null;
        if (body.TryGetProperty("after_tokens", out var after) && after.ValueKind != JsonValueKind.Null)
        {
            if (after.ValueKind != JsonValueKind.Number || !after.TryGetInt32(out var parsed) || parsed < 0)
            {
                return Refuse("after_tokens must be an integer of at least 0");
            }

            afterTokens = parsed;
        }
        else if (kind == AiFaultKind.ErrorMidStream)
        {
            afterTokens = 3;
        }

        if (Int(body, "retry_after_seconds", 1) is not { } retryAfter || retryAfter < 0)
        {
            return Refuse("retry_after_seconds must be an integer of at least 0");
        }

        if (Int(body, "status", 500) is not { } status || status is < 500 or > 599)
        {
            return Refuse("status must be a 5xx status");
        }

        var fault = faults.Arm(kind, backend, count, delay, afterTokens, retryAfter, status, AiWire.String(body, "answer"));
        return Results.Json(fault.ToWire(), SseWriter.Json);
    }

    private static int? Int(JsonElement body, string name, int fallback) =>
        !body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? fallback
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var parsed) ? parsed
        : null;

    private static IResult Refuse(string error) => Results.Json(new { error }, SseWriter.Json, statusCode: 400);
}
