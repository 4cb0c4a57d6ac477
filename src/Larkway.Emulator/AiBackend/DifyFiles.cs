using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Larkway.Emulator.AiBackend;

/// <summary>A file uploaded through <c>POST /files/upload</c>: usable in chat-messages by the same app and user only.</summary>
internal sealed record DifyUploadedFile(string Id, string App, string User, string Name, long Size, string Extension, string MimeType, string Sha256, long CreatedAt)
{
    /// <summary>How the fake answer names the file, so a client can check what arrived: name, type and size.</summary>
    public string Describe(string type) => $"{Name} ({type}, {Size} bytes)";
}

/// <summary>
/// The uploads of the fake Dify, in memory (the newest <see cref="Capacity"/>), with Dify's default size limits per kind:
/// images 10 MB, audio 50 MB, video 100 MB, anything else 15 MB.
/// </summary>
internal sealed class DifyFiles
{
    public const int Capacity = 1000;

    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase) { "jpg", "jpeg", "png", "webp", "gif", "svg" };
    private static readonly HashSet<string> AudioExtensions = new(StringComparer.OrdinalIgnoreCase) { "mp3", "m4a", "wav", "amr", "mpga", "opus" };
    private static readonly HashSet<string> VideoExtensions = new(StringComparer.OrdinalIgnoreCase) { "mp4", "mov", "mpeg", "webm" };

    private readonly ConcurrentDictionary<string, DifyUploadedFile> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    /// <summary>The size limit for a file named <paramref name="fileName"/>, by its extension, in bytes.</summary>
    public static long LimitFor(string fileName) => LimitOf(ExtensionOf(fileName));

    private static string ExtensionOf(string fileName) => Path.GetExtension(fileName).TrimStart('.').ToLowerInvariant();

    private static long LimitOf(string extension) =>
        (ImageExtensions.Contains(extension) ? 10 : AudioExtensions.Contains(extension) ? 50 : VideoExtensions.Contains(extension) ? 100 : 15) * 1024L * 1024;

    public DifyUploadedFile Add(string app, string user, string name, string mimeType, byte[] content, long createdAt)
    {
        var file = new DifyUploadedFile(Guid.NewGuid().ToString(), app, user, name, content.Length, ExtensionOf(name), mimeType, Convert.ToHexStringLower(SHA256.HashData(content)), createdAt);
        _files[file.Id] = file;
        _order.Enqueue(file.Id);
        while (_order.Count > Capacity && _order.TryDequeue(out var oldest))
        {
            _files.TryRemove(oldest, out _);
        }

        return file;
    }

    /// <summary>The upload <paramref name="id"/> if <paramref name="app"/>'s <paramref name="user"/> made it; null otherwise.</summary>
    public DifyUploadedFile? Find(string id, string app, string user) =>
        _files.TryGetValue(id, out var file) && file.App == app && file.User == user ? file : null;

    public IReadOnlyList<DifyUploadedFile> List() => [.. _files.Values.OrderBy(f => f.CreatedAt)];
}
