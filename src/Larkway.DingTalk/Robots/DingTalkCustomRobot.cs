using System.Diagnostics.Metrics;
using Larkway.Shared.Clients;
using Larkway.DingTalk.Http;
using Microsoft.Extensions.Logging;

namespace Larkway.DingTalk.Robots;

/// <summary>
/// Sends to one custom group robot's webhook: each message checked before it goes (required fields, the robot's
/// keywords), signed when the robot signs, held to 20 a minute, retried only when DingTalk refused it for its rate, and
/// every refusal a <see cref="DingTalkApiException"/> that says what to change. Thread-safe; keep one per robot, since the
/// rate is counted per instance.
/// </summary>
/// <example>
/// <code>
/// using var robot = new DingTalkCustomRobot(new DingTalkCustomRobotOptions { Webhook = new("https://oapi.dingtalk.com/robot/send?access_token=…"), Secret = "SEC…" });
/// await robot.SendAsync(DingTalkRobotMessage.Markdown("Build failed", "### Build 1234 failed\n[Open](https://ci.example.com/1234)"));
/// </code>
/// </example>
public sealed class DingTalkCustomRobot : IDisposable
{
    private const string PathTemplate = "/robot/send";

    private readonly DingTalkCustomRobotOptions _options;
    private readonly string[] _keywords;
    private readonly DingTalkPipeline _pipeline;
    private readonly RateGate _rate;

    /// <summary>A robot client. <paramref name="handler"/> replaces the network (tests, proxies) and is not disposed.</summary>
    /// <exception cref="ArgumentException">An option is missing or invalid; the message names it.</exception>
    public DingTalkCustomRobot(DingTalkCustomRobotOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        _options = options;
        _keywords = [.. options.Keywords.Where(k => !string.IsNullOrWhiteSpace(k))];
        var pipelineOptions = new DingTalkAppOptions { AppKey = options.Name, Timeout = options.Timeout, Retry = options.Retry.Clone() };
        _pipeline = new DingTalkPipeline(options.Name, pipelineOptions, loggerFactory, timeProvider, meterFactory, handler);
        // DingTalk counts by arrival: a send slowed on the way could land inside the minute of a later one, and the price of
        // a 21st message is a 10-minute block, so the client's minute is two seconds longer.
        _rate = new RateGate(options.MessagesPerMinute, TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(2), _pipeline.TimeProvider, RateRefused);
    }

    /// <summary>Sends <paramref name="message"/> to the robot's group, waiting for the rate if it must.</summary>
    /// <exception cref="DingTalkApiException">DingTalk refused the message (see <see cref="Larkway.Clients.LarkwayApiException.Code"/>), the client could not send it
    /// within <see cref="DingTalkCustomRobotOptions.MaxWait"/> (<see cref="DingTalkErrorCodes.RateLimited"/>), or the message lacks the robot's keywords
    /// (<see cref="DingTalkErrorCodes.InvalidRequest"/>).</exception>
    public async Task SendAsync(DingTalkRobotMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ThrowIfNoKeyword(message);
        var json = message.ToJson();

        var wait = _rate.Reserve(_options.MaxWait);
        if (wait > TimeSpan.Zero)
        {
            Log.RobotPaced(_pipeline.Logger, wait.TotalMilliseconds, _options.MessagesPerMinute);
            await Task.Delay(wait, _pipeline.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        // Signed when it goes, not when it was queued: DingTalk checks the timestamp against its clock.
        var url = _options.Secret is { } secret ? DingTalkRobotSignature.SignWebhook(_options.Webhook!, secret, _pipeline.TimeProvider.GetUtcNow()) : _options.Webhook!;
        var request = new DingTalkRequest(HttpMethod.Post, DingTalkHost.Oapi, PathTemplate, PathTemplate)
        {
            AbsoluteUrl = url,
            Json = json,
            WithAppToken = false,
        };
        try
        {
            await _pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (DingTalkApiException ex) when (ex.Code == DingTalkErrorCodes.RobotSendTooFast)
        {
            // DingTalk blocks the robot for 10 minutes: later sends fail fast instead of being refused one by one.
            _rate.Hold(ex.RetryAfter ?? TimeSpan.FromMinutes(10));
            throw;
        }
    }

    private void ThrowIfNoKeyword(DingTalkRobotMessage message)
    {
        if (_keywords.Length == 0 || message.Texts.Any(text => _keywords.Any(k => text.Contains(k, StringComparison.Ordinal))))
        {
            return;
        }

        throw new DingTalkApiException(DingTalkErrorCodes.InvalidRequest,
            $"The {message.MessageType} message contains none of the robot's keywords ({string.Join(", ", _keywords)}); DingTalk would refuse it (310000 keywords not in content). Put one of them in its text or title.");
    }

    /// <inheritdoc />
    public void Dispose() => _pipeline.Dispose();

    /// <summary>The client's refusal of a send beyond the robot's rate (20 messages a minute), or while DingTalk blocks it after 130101.</summary>
    internal static DingTalkApiException RateRefused(RateRefusal refusal)
    {
        var what = refusal.Held
            ? "DingTalk blocked this robot for sending more than 20 messages a minute (130101); it accepts messages again"
            : $"This robot already has {refusal.Limit} messages within a minute (DingTalk's limit per robot); the next one can go";
        return new DingTalkApiException(DingTalkErrorCodes.RateLimited,
            $"{what} in {Math.Ceiling(refusal.Wait.TotalSeconds):0} s. Send fewer messages (combine them) or allow a longer MaxWait.")
        {
            RetryAfter = refusal.Wait,
        };
    }
}
