using System.Text.Json;
using Larkway.Emulator.Hosting;

namespace Larkway.Hub.Sandbox;

/// <summary>
/// In sandbox mode, points the Emulator's event subscription at this Hub, as a developer would in the
/// Feishu console. The Emulator checks the URL with a url_verification challenge, so the Hub must be
/// listening first.
/// </summary>
internal static class SandboxSubscription
{
    /// <summary>
    /// The encrypt key and verification token of the app's subscription as the Emulator's state file kept it from the last
    /// start; null when there is none (a fresh or in-memory sandbox), and the Hub makes new ones.
    /// </summary>
    public static (string EncryptKey, string VerificationToken)? KeptKeys(EmulatorServer emulator, string appId) =>
        emulator.State.EventSubscriptionOf(appId) is { EncryptKey: { Length: > 0 } encryptKey, VerificationToken: { Length: > 0 } token }
            ? (encryptKey, token)
            : null;

    public static async Task SubscribeAsync(EmulatorServer emulator, string appId, Uri hubBaseUrl, string encryptKey, string verificationToken, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = emulator.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        var body = new Dictionary<string, object>
        {
            ["url"] = new Uri(hubBaseUrl, "/feishu/events").ToString(),
            ["encrypt_key"] = encryptKey,
            ["verification_token"] = verificationToken,
        };
        // The first challenge meets a cold Hub (JIT, the first TLS-less socket, a busy machine) and Feishu's 3 s deadline
        // can pass; a developer would press "save" again, so the sandbox does too, twice at most.
        string? message = null;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            using var content = new StringContent(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
            using var response = await http.PutAsync($"/_emulator/apps/{Uri.EscapeDataString(appId)}/event-subscription", content, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            message = TryReadMsg(text) ?? $"HTTP {(int)response.StatusCode}";
        }

        throw new InvalidOperationException($"The sandbox Emulator refused the Hub's event subscription: {message}");
    }

    private static string? TryReadMsg(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.TryGetProperty("msg", out var msg) ? msg.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
