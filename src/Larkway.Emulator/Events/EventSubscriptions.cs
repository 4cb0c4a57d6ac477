using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Events;

/// <summary>The outcome of a url_verification challenge.</summary>
internal sealed record UrlVerificationResult(bool Ok, int? StatusCode, string? Error);

/// <summary>
/// Sets subscriptions as the developer console does: saving a request URL first sends
/// <c>{"challenge","token","type":"url_verification"}</c> (encrypted when an encrypt key is set) and
/// expects HTTP 200 with the same challenge within the deadline; otherwise nothing is saved.
/// </summary>
internal sealed class EventSubscriptions(EmulatorState state, EventHttpSender sender)
{
    public async Task<(EventSubscription? Saved, UrlVerificationResult Verification)> SetAsync(EventSubscription subscription, bool verify, CancellationToken ct)
    {
        var verification = verify ? await VerifyAsync(subscription, ct) : new UrlVerificationResult(true, null, "skipped");
        return verification.Ok ? (state.SetEventSubscription(subscription), verification) : (null, verification);
    }

    public async Task<UrlVerificationResult> VerifyAsync(EventSubscription subscription, CancellationToken ct)
    {
        var challenge = Guid.NewGuid().ToString();
        var body = new JsonObject
        {
            ["challenge"] = challenge,
            ["token"] = subscription.VerificationToken ?? string.Empty,
            ["type"] = "url_verification",
        }.ToJsonString(EmulatorJson.Options);
        var result = await sender.SendAsync(subscription, body, ct);
        if (!result.Success)
        {
            return new UrlVerificationResult(false, result.StatusCode, result.Error);
        }

        try
        {
            using var document = JsonDocument.Parse(result.ResponseBody ?? string.Empty);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("challenge", out var echoed)
                && echoed.ValueKind == JsonValueKind.String
                && echoed.GetString() == challenge
                ? new UrlVerificationResult(true, result.StatusCode, null)
                : new UrlVerificationResult(false, result.StatusCode, "the response did not echo the challenge: expected {\"challenge\":\"" + challenge + "\"}");
        }
        catch (JsonException)
        {
            return new UrlVerificationResult(false, result.StatusCode, "the response is not JSON: expected {\"challenge\":\"" + challenge + "\"}");
        }
    }
}
