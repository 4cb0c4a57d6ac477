using System.ComponentModel.DataAnnotations;
using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Assistants;

/// <summary>How this process answers assistant questions, bound from <c>Larkway:Assistants</c>.</summary>
public sealed class AssistantOptions : IQueueOptions, IValidatableObject
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Larkway:Assistants";

    private static readonly TimeSpan MinTurnRetention = TimeSpan.FromDays(1), MaxTurnRetention = TimeSpan.FromDays(3650), MaxPlaceholderRetention = TimeSpan.FromDays(30);

    /// <summary>Whether this process answers (a replica may only accept questions). Default true.</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>Questions claimed per round. Default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Answers streamed at once by this process (each mostly waits on the backend). Default 64.</summary>
    public int Concurrency { get; set; } = 64;

    /// <summary>
    /// How long a claim holds; renewed while an answer streams. A Hub that stops mid-answer leaves its reply to be closed
    /// as interrupted by whichever process claims the turn after this. Default 30 s.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an idle worker looks for questions other replicas accepted. Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a question waits behind an earlier one of its conversation before it is looked at again. Default 300 ms.</summary>
    public TimeSpan LaneWait { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// How long a new question waits for the events the inbox received before it to be read — an earlier question of its
    /// conversation may be among them, stored a moment later by another handler. Zero turns the wait off. Default 5 s.
    /// </summary>
    public TimeSpan ArrivalWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a streaming answer checks whether it was asked to stop (<c>/stop</c>). Default 1 s.</summary>
    public TimeSpan StopCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a self-linking code works. Default 10 min.</summary>
    public TimeSpan LinkCodeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Link codes one account may ask for, and one person may be sent, within an hour (default 3): enough for a typo and a
    /// lost message, too few to flood a person with codes or to try emails one after another.
    /// </summary>
    public int LinkCodesPerHour { get; set; } = 3;

    /// <summary>
    /// How long an unlinked DingTalk or WeCom account that no person of the directory matched (by the email or mobile its
    /// platform gives) stays a guest before the platform is asked again (default 1 h; zero asks on every message).
    /// </summary>
    public TimeSpan SenderLookupCacheLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a loaded assistant (its settings, backend client and masker) is reused before it is read again. Default 5 s.</summary>
    public TimeSpan DefinitionCacheLifetime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Text updates a second that one Feishu app's streaming answers share (default 12). CardKit takes streaming text at
    /// most 50 times a second and 1,000 times a minute per app: with many answers at once each card updates less often
    /// than its interval, so that none is refused or left behind.
    /// </summary>
    public double FeishuStreamUpdatesPerSecond { get; set; } = 12;

    /// <summary>
    /// The largest image or file a question may carry to the backend, in bytes (default 10 MB, Dify's image limit; at
    /// most 100 MB). A larger one is not fetched whole: the asker is told its size and the limit.
    /// </summary>
    public long MaxAttachmentBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Images and files of one question given to the backend (default 4; 0 sends text only). Those beyond are named, not sent.</summary>
    public int MaxAttachments { get; set; } = 4;

    /// <summary>
    /// How much text (characters) of the documents a question links is given to the backend with it, all documents
    /// together, cut on block boundaries (default 20,000; 0 reads none; at most 200,000).
    /// </summary>
    public int LinkedDocumentChars { get; set; } = 20_000;

    /// <summary>
    /// How long an ended turn — the masked question, the answer as shown, its feedback and masking audit — is kept after it
    /// ended (answered, stopped, failed, interrupted); then it is deleted, and a session with no turn left after it ended.
    /// A turn still queued or answering is never deleted. 1 to 3,650 days; default 30 days.
    /// </summary>
    public TimeSpan TurnRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long the values behind an ended turn's placeholders (the asker's real mobile number, ID number…, kept protected
    /// only to restore them in the answer shown, and in a regenerated one) are kept after the turn ended; then they are
    /// erased and the turn keeps its masked text. 0 (erased at the next run, within the hour) to 30 days, and not longer
    /// than <see cref="TurnRetention"/>; default 1 day.
    /// </summary>
    public TimeSpan PlaceholderRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Attempts at a turn whose platform failed before it is given up (the user is told where possible). Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <inheritdoc />
    public RetrySchedule Retry => new([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)], MaxAttempts);

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        foreach (var problem in QueueOptionsRules.Validate(SectionName, this, MaxAttempts, null))
        {
            yield return problem;
        }

        if (ArrivalWait < TimeSpan.Zero)
        {
            yield return new($"{SectionName}:ArrivalWait must not be negative.", [nameof(ArrivalWait)]);
        }

        if (LaneWait <= TimeSpan.Zero || StopCheckInterval <= TimeSpan.Zero || LinkCodeLifetime <= TimeSpan.Zero)
        {
            yield return new($"{SectionName}: LaneWait, StopCheckInterval and LinkCodeLifetime must be positive.", [nameof(LaneWait)]);
        }

        if (LinkCodesPerHour is < 1 or > 100)
        {
            yield return new($"{SectionName}:LinkCodesPerHour must be from 1 to 100.", [nameof(LinkCodesPerHour)]);
        }

        if (SenderLookupCacheLifetime < TimeSpan.Zero)
        {
            yield return new($"{SectionName}:SenderLookupCacheLifetime must not be negative.", [nameof(SenderLookupCacheLifetime)]);
        }

        if (!(FeishuStreamUpdatesPerSecond is > 0 and <= 50))
        {
            yield return new($"{SectionName}:FeishuStreamUpdatesPerSecond must be more than 0 and at most 50 (CardKit's streaming limit per app).", [nameof(FeishuStreamUpdatesPerSecond)]);
        }

        if (MaxAttachmentBytes is < 1024 or > 100 * 1024 * 1024)
        {
            yield return new($"{SectionName}:MaxAttachmentBytes must be from 1024 (1 KB) to 104857600 (100 MB).", [nameof(MaxAttachmentBytes)]);
        }

        if (LinkedDocumentChars is < 0 or > 200_000)
        {
            yield return new($"{SectionName}:LinkedDocumentChars must be from 0 (read no linked document) to 200000.", [nameof(LinkedDocumentChars)]);
        }

        if (MaxAttachments is < 0 or > 10)
        {
            yield return new($"{SectionName}:MaxAttachments must be from 0 (text only) to 10.", [nameof(MaxAttachments)]);
        }

        if (DefinitionCacheLifetime < TimeSpan.Zero)
        {
            yield return new($"{SectionName}:DefinitionCacheLifetime must not be negative.", [nameof(DefinitionCacheLifetime)]);
        }

        if (!(TurnRetention >= MinTurnRetention && TurnRetention <= MaxTurnRetention))
        {
            yield return new($"{SectionName}:TurnRetention must be from 1.00:00:00 to 3650.00:00:00 (1 day to 10 years).", [nameof(TurnRetention)]);
        }

        if (!(PlaceholderRetention >= TimeSpan.Zero && PlaceholderRetention <= MaxPlaceholderRetention))
        {
            yield return new($"{SectionName}:PlaceholderRetention must be from 00:00:00 to 30.00:00:00 (0 to 30 days).", [nameof(PlaceholderRetention)]);
        }
        else if (PlaceholderRetention > TurnRetention)
        {
            yield return new($"{SectionName}:PlaceholderRetention must not be longer than {SectionName}:TurnRetention: a turn and its placeholders' values are deleted together at the latest.", [nameof(PlaceholderRetention)]);
        }
    }
}

[OptionsValidator]
internal sealed partial class AssistantOptionsValidator : IValidateOptions<AssistantOptions>;
