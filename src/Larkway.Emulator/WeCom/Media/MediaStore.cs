using Larkway.Emulator.State;
using Larkway.Emulator.WeCom.Platform;

namespace Larkway.Emulator.WeCom.Media;

/// <summary>
/// Temporary media (临时素材): the bytes, their type (image, voice, video, file) and who may use them — the app
/// (<see cref="RobotKey"/> null) or one group robot (media uploaded through a webhook is "only usable by the same webhook").
/// </summary>
internal sealed record StoredMedia(string MediaId, string Type, string FileName, string ContentType, byte[] Data, DateTimeOffset CreatedAt, string? RobotKey);

/// <summary>Uploaded media, valid three days (documented) from the upload.</summary>
internal sealed class MediaStore(TimeProvider time, StateRevision revision)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(3);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, StoredMedia> _media = new(StringComparer.Ordinal);

    public StoredMedia Add(string type, string fileName, string contentType, byte[] data, string? robotKey)
    {
        var media = new StoredMedia(WeComIds.MediaId(), type, fileName, contentType, data, time.GetUtcNow(), robotKey);
        lock (_gate)
        {
            foreach (var old in _media.Values.Where(m => m.CreatedAt + Lifetime <= media.CreatedAt).Select(m => m.MediaId).ToList())
            {
                _media.Remove(old);
            }

            _media[media.MediaId] = media;
        }

        revision.Advance();
        return media;
    }

    /// <summary>The media when it exists, has not expired and belongs to the app (<paramref name="robotKey"/> null) or that robot.</summary>
    public StoredMedia? Find(string mediaId, string? robotKey = null)
    {
        lock (_gate)
        {
            return _media.TryGetValue(mediaId, out var media) && media.CreatedAt + Lifetime > time.GetUtcNow() && media.RobotKey == robotKey ? media : null;
        }
    }

    /// <summary>For the web page: any live media, whoever uploaded it.</summary>
    public StoredMedia? Peek(string mediaId)
    {
        lock (_gate)
        {
            return _media.GetValueOrDefault(mediaId);
        }
    }

    public IReadOnlyList<StoredMedia> Export()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return [.. _media.Values.Where(m => m.CreatedAt + Lifetime > now)];
        }
    }

    public void Restore(IEnumerable<StoredMedia> media)
    {
        lock (_gate)
        {
            foreach (var item in media)
            {
                _media[item.MediaId] = item;
            }
        }
    }
}
