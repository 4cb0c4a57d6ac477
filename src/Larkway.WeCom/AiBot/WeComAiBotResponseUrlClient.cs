using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Larkway.WeCom.AiBot;

/// <summary>
/// Replies through a message's <c>response_url</c> (<see cref="WeComAiBotMessage.ResponseUrl"/>): one call per URL,
/// within 1 hour of the message, with markdown (≤ 20,480 bytes) or a template card. The URL is a credential of its own:
/// it is never logged. A second call with the same URL after one WeCom took is refused here rather than by WeCom; a call
/// that failed (not reached, refused) leaves the URL usable, so the reply can be tried again.
/// </summary>
public sealed class WeComAiBotResponseUrlClient(HttpClient httpClient, TimeProvider? timeProvider = null)
{
    /// <summary>How long a response_url is valid.</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromHours(1);

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);

    /// <summary>Sends the one reply a response_url takes.</summary>
    /// <exception cref="WeComApiException">The reply is not markdown or a template card, the URL is not http(s) or was used already
    /// (<c>Larkway.InvalidRequest</c>); WeCom refused it (its errcode); or it could not be reached.</exception>
    public async Task SendAsync(string responseUrl, WeComAiBotReply reply, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (!Uri.TryCreate(responseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
        {
            throw WeComAiBotReply.Invalid("A response_url reply needs the message's response_url (an absolute http or https URL).");
        }

        if (reply.MsgType is not ("markdown" or "template_card"))
        {
            throw WeComAiBotReply.Invalid($"A response_url reply is markdown or a template card, not {reply.MsgType}.");
        }

        var now = _time.GetUtcNow();
        foreach (var (old, at) in _used)
        {
            if (at < now - Validity)
            {
                _used.TryRemove(old, out _);
            }
        }

        if (!_used.TryAdd(responseUrl, now))
        {
            throw WeComAiBotReply.Invalid("This response_url was used already: WeCom takes one reply per response_url. Send more with the long connection's SendMessageAsync, or the app's message API.");
        }

        try
        {
            await PostAsync(url, reply, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Not taken by WeCom (or not known to be): the URL stays usable for another try; WeCom itself refuses a used one.
            _used.TryRemove(responseUrl, out _);
            throw;
        }
    }

    private async Task PostAsync(Uri url, WeComAiBotReply reply, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(reply.Body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        HttpResponseMessage response;
        try
        {
            response = await httpClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new WeComApiException(WeComErrorCodes.NetworkError, $"Could not reach {url.Host} for a response_url reply: {ex.Message}", innerException: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WeComApiException(WeComErrorCodes.Timeout, $"{url.Host} did not answer a response_url reply in time.", innerException: ex);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            int? code = null;
            string? message = null;
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    code = document.RootElement.TryGetProperty("errcode", out var c) && c.TryGetInt32(out var n) ? n : null;
                    message = document.RootElement.TryGetProperty("errmsg", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                }
            }
            catch (JsonException)
            {
                // Judged on the status below.
            }

            if (code is { } errcode && errcode != 0)
            {
                throw new WeComApiException(errcode.ToString(System.Globalization.CultureInfo.InvariantCulture), message ?? "", response.StatusCode);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new WeComApiException(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    $"HTTP {(int)response.StatusCode} from a response_url reply", response.StatusCode);
            }

            if (code is null && response.StatusCode != HttpStatusCode.NoContent)
            {
                throw new WeComApiException(WeComErrorCodes.MalformedResponse, "The answer to a response_url reply has no errcode.", response.StatusCode);
            }
        }
    }
}
