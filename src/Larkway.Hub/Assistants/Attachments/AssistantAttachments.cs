using Larkway.Hub.Platform.Units;
using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Channels.Backends;
using Larkway.Channels.Messages;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Assistants.Attachments;

/// <summary>
/// A question's images and files on their way to the backend: which of a message's attachments go (the platform can
/// fetch them, the backend reads their type, up to <see cref="AssistantOptions.MaxAttachments"/>), how a turn keeps them,
/// and fetching their bytes when the turn is answered.
/// </summary>
internal sealed class AssistantAttachments(PlatformPieces<IAssistantAttachmentSource> sources, IOptions<AssistantOptions> options)
{
    /// <summary>The attachments of a message on <paramref name="platform"/> that go to <paramref name="backend"/>.</summary>
    public IReadOnlyList<ChannelAttachment> Sendable(string platform, IAssistantBackend backend, IReadOnlyList<ChannelAttachment> attachments) =>
        sources.Find(platform) is { } source
            ? [.. attachments.Where(a => source.CanFetch(a) && backend.Reads(AssistantFile.TypeOf(a.Kind, a.Name))).Take(options.Value.MaxAttachments)]
            : [];

    /// <summary>The question of a message that has attachments and no text: what it carries, "[image]", "[file: report.pdf]".</summary>
    public static string QuestionFor(IReadOnlyList<ChannelAttachment> attachments) =>
        string.Join(" ", attachments.Select(a => a.Name is { Length: > 0 } name ? $"[{AttachmentBytes.Noun(a.Kind)}: {name}]" : $"[{AttachmentBytes.Noun(a.Kind)}]"));

    /// <summary>What a message carried that the assistant cannot read, for the asker: "an image", "2 files".</summary>
    public static string Describe(IReadOnlyList<ChannelAttachment> attachments) =>
        string.Join(" and ", attachments.GroupBy(a => a.Kind).Select(g => g.Count() == 1 ? (g.Key is AttachmentKind.Image or AttachmentKind.Audio ? "an " : "a ") + AttachmentBytes.Noun(g.Key) : $"{g.Count()} {AttachmentBytes.Noun(g.Key)}s"));

    /// <summary>The stored form of a turn's attachments (JSON; protected by the caller: an AI bot's decryption key is a secret).</summary>
    public static string Write(IReadOnlyList<ChannelAttachment> attachments) => JsonSerializer.Serialize(
        [.. attachments.Select(a => new StoredAttachment(AttachmentBytes.Noun(a.Kind), a.Key, a.Name, a.Url, a.DecryptionKey))],
        AssistantAttachmentsJson.Default.ListStoredAttachment);

    /// <summary>
    /// The bytes of a turn's attachments (<paramref name="stored"/>, unprotected), fetched from the platform that received
    /// message <paramref name="messageId"/>.
    /// </summary>
    /// <exception cref="AssistantAttachmentException">One could not be fetched: its message is for the asker.</exception>
    public async Task<IReadOnlyList<AssistantFile>> FetchAsync(string platform, string app, string messageId, string stored, CancellationToken cancellationToken)
    {
        if (sources.Find(platform) is not { } source)
        {
            throw new AssistantAttachmentException($"Images and files sent on {platform} cannot be read yet.", transient: false);
        }

        var files = new List<AssistantFile>();
        foreach (var item in JsonSerializer.Deserialize(stored, AssistantAttachmentsJson.Default.ListStoredAttachment) ?? [])
        {
            var attachment = new ChannelAttachment(Enum.Parse<AttachmentKind>(item.Kind, ignoreCase: true), item.Key, item.Name) { Url = item.Url, DecryptionKey = item.DecryptionKey };
            files.Add(await source.FetchAsync(app, messageId, attachment, options.Value.MaxAttachmentBytes, cancellationToken).ConfigureAwait(false));
        }

        return files;
    }
}

/// <summary>One attachment as a turn keeps it.</summary>
internal sealed record StoredAttachment(string Kind, string Key, string? Name, string? Url, string? DecryptionKey);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(List<StoredAttachment>))]
internal sealed partial class AssistantAttachmentsJson : JsonSerializerContext;
