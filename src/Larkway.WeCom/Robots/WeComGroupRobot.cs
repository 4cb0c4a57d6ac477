using System.Diagnostics.Metrics;
using Larkway.Shared.Clients;
using Larkway.WeCom.Http;
using Larkway.WeCom.Json;
using Larkway.WeCom.Media;
using Larkway.WeCom.Messages;
using Microsoft.Extensions.Logging;

namespace Larkway.WeCom.Robots;

/// <summary>
/// Sends to one group robot's webhook: each message checked when it is made, held to 20 a minute, retried only when
/// WeCom said it did not carry it out, and every refusal a <see cref="WeComApiException"/> that says what to change.
/// Thread-safe; keep one per robot, since the rate is counted per instance.
/// </summary>
/// <example>
/// <code>
/// using var robot = new WeComGroupRobot(new WeComGroupRobotOptions { Webhook = new("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…") });
/// await robot.SendAsync(WeComRobotMessage.Markdown("Build **1234** failed: [open](https://ci.example.com/1234)"));
/// </code>
/// </example>
public sealed class WeComGroupRobot : IDisposable
{
    internal const string SendPath = "/cgi-bin/webhook/send";
    internal const string UploadPath = "/cgi-bin/webhook/upload_media";

    private readonly WeComGroupRobotOptions _options;
    private readonly WeComPipeline _pipeline;
    private readonly RateGate _rate;
    private readonly Uri _uploadBase;

    /// <summary>A robot client. <paramref name="handler"/> replaces the network (tests, proxies) and is not disposed.</summary>
    /// <exception cref="ArgumentException">An option is missing or invalid; the message names it.</exception>
    public WeComGroupRobot(WeComGroupRobotOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        _options = options;
        var pipelineOptions = new WeComAppOptions { CorpId = options.Name, ApiBaseUrl = new Uri(options.Webhook!.GetLeftPart(UriPartial.Authority)), Timeout = options.Timeout, Retry = options.Retry.Clone() };
        _pipeline = new WeComPipeline(options.Name, pipelineOptions, loggerFactory, timeProvider, meterFactory, handler);
        // A send slowed on the way could land inside the minute of a later one: the client's minute is two seconds longer.
        _rate = new RateGate(options.MessagesPerMinute, TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(2), _pipeline.TimeProvider, RateRefused);
        var webhookPath = options.Webhook.AbsolutePath;
        var root = webhookPath.EndsWith(SendPath, StringComparison.Ordinal) ? webhookPath[..^SendPath.Length] : "";
        _uploadBase = new Uri(options.Webhook.GetLeftPart(UriPartial.Authority) + root + UploadPath);
    }

    /// <summary>Sends <paramref name="message"/> to the robot's group, waiting for the rate if it must.</summary>
    /// <exception cref="WeComApiException">WeCom refused the message (see <see cref="Larkway.Clients.LarkwayApiException.Code"/>; 93000 for a wrong key), or the client
    /// could not send it within <see cref="WeComGroupRobotOptions.MaxWait"/> (<see cref="WeComErrorCodes.RateLimited"/>).</exception>
    public async Task SendAsync(WeComRobotMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var json = message.ToJson();
        var wait = _rate.Reserve(_options.MaxWait);
        if (wait > TimeSpan.Zero)
        {
            Log.RobotPaced(_pipeline.Logger, wait.TotalMilliseconds, _options.MessagesPerMinute);
            await Task.Delay(wait, _pipeline.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        var request = new WeComRequest(HttpMethod.Post, SendPath, SendPath) { AbsoluteUrl = _options.Webhook, Json = json, WithAppToken = false };
        try
        {
            await _pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (WeComApiException ex) when (ex.Code == WeComErrorCodes.RateLimited45009)
        {
            // Another sender shares the webhook: the robot is held for a minute, so later sends fail fast instead of being refused one by one.
            _rate.Hold(TimeSpan.FromMinutes(1));
            throw;
        }
    }

    /// <summary>
    /// Uploads a file (at most 20 MB) or a voice (AMR, at most 2 MB) for this robot to send; the media_id lives 3 days and
    /// works only with this robot.
    /// </summary>
    /// <exception cref="WeComApiException">The file is too small or too large (nothing sent), or WeCom refused.</exception>
    public async Task<WeComUploadedMedia> UploadAsync(string fileName, ReadOnlyMemory<byte> content, bool voice = false, string? contentType = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        var type = voice ? WeComMediaType.Voice : WeComMediaType.File;
        WeComMediaClient.CheckSize(type, content.Length, fileName);
        var bytes = content.ToArray();
        var wireType = voice ? "voice" : "file";
        var url = new Uri($"{_uploadBase}?key={Uri.EscapeDataString(_options.Key)}&type={wireType}");
        var answer = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Post, UploadPath, UploadPath)
            {
                AbsoluteUrl = url,
                WithAppToken = false,
                Content = () => WeComMediaClient.Multipart(fileName, bytes, contentType),
                Idempotent = true,
            },
            WeComJsonContext.Default.UploadAnswer,
            cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(answer.MediaId))
        {
            throw new WeComApiException(WeComErrorCodes.MalformedResponse, $"The answer of POST {UploadPath} has no media_id.");
        }

        return new WeComUploadedMedia(answer.MediaId, answer.Type ?? wireType, WeComMediaClient.ParseCreatedAt(answer.CreatedAt));
    }

    /// <inheritdoc />
    public void Dispose() => _pipeline.Dispose();

    /// <summary>The client's refusal of a send beyond the robot's rate (20 messages a minute per webhook), or while WeCom holds it after 45009.</summary>
    internal static WeComApiException RateRefused(RateRefusal refusal)
    {
        var what = refusal.Held
            ? "WeCom refused this robot for its rate (45009); the client holds its messages, and the next one can go"
            : $"This robot already has {refusal.Limit} messages within a minute (WeCom's limit per robot); the next one can go";
        return new WeComApiException(WeComErrorCodes.RateLimited,
            $"{what} in {Math.Ceiling(refusal.Wait.TotalSeconds):0} s. Send fewer messages (combine them) or allow a longer MaxWait.")
        {
            RetryAfter = refusal.Wait,
        };
    }
}
