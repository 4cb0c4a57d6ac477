using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Larkway.Emulator.WeCom.AiBot;

/// <summary>
/// Media on the long connection: uploads in chunks (<c>aibot_upload_media_init/_chunk/_finish</c>) that end in a
/// media_id living <see cref="AiBotOptions.MediaLifetime"/>, and the files users send the bot, served encrypted
/// (AES-256-CBC, key = the message's base64 <c>aeskey</c> — in URL-callback mode the bot's EncodingAESKey —, IV = its first
/// 16 bytes, PKCS#7 padded to 32 bytes) for five minutes, as WeCom does.
/// </summary>
internal sealed class AiBotMedia(AiBotOptions options, TimeProvider time)
{
    /// <summary>Size limits by type (WeCom: image and voice 2 MB, video 10 MB, file 20 MB).</summary>
    private static readonly Dictionary<string, long> MaxBytes = new(StringComparer.Ordinal)
    {
        ["image"] = 2L * 1024 * 1024,
        ["voice"] = 2L * 1024 * 1024,
        ["video"] = 10L * 1024 * 1024,
        ["file"] = 20L * 1024 * 1024,
    };

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Upload> _uploads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Stored> _media = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServedFile> _served = new(StringComparer.Ordinal);

    public static bool IsMediaType(string? type) => type is not null && MaxBytes.ContainsKey(type);

    public (JsonObject? Body, int Errcode, string Errmsg) Init(string botId, JsonObject? body)
    {
        var type = AiBotFrames.String(body, "type");
        var filename = AiBotFrames.String(body, "filename");
        var totalSize = AiBotFrames.Long(body, "total_size");
        var totalChunks = AiBotFrames.Long(body, "total_chunks");
        if (!IsMediaType(type))
        {
            return (null, AiBotErrors.InvalidParameter, "type must be one of file, image, voice, video");
        }

        if (string.IsNullOrEmpty(filename))
        {
            return (null, AiBotErrors.InvalidParameter, "filename is required");
        }

        if (totalSize is not > 0 || totalSize > MaxBytes[type!])
        {
            return (null, AiBotErrors.InvalidParameter, $"total_size must be 1..{MaxBytes[type!]} bytes for a {type}");
        }

        if (totalChunks is not > 0 || totalChunks > options.MaxChunks)
        {
            return (null, AiBotErrors.InvalidParameter, $"total_chunks must be 1..{options.MaxChunks}");
        }

        if (totalChunks * (long)options.MaxChunkBytes < totalSize)
        {
            return (null, AiBotErrors.InvalidParameter, $"{totalChunks} chunks of at most {options.MaxChunkBytes} bytes cannot hold {totalSize} bytes");
        }

        var id = AiBotFrames.NewId();
        lock (_gate)
        {
            _uploads[id] = new Upload(botId, type!, filename, totalSize.Value, (int)totalChunks.Value, AiBotFrames.String(body, "md5"));
        }

        return (new JsonObject { ["upload_id"] = id }, AiBotErrors.Ok, "ok");
    }

    /// <summary>A chunk: <c>chunk_index</c> counts from 0 (as the official SDK sends it), the data ≤ the chunk limit before base64.</summary>
    public (int Errcode, string Errmsg) Chunk(string botId, JsonObject? body)
    {
        var id = AiBotFrames.String(body, "upload_id");
        var index = AiBotFrames.Long(body, "chunk_index");
        var data = AiBotFrames.String(body, "base64_data");
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(data ?? string.Empty);
        }
        catch (FormatException)
        {
            return (AiBotErrors.InvalidParameter, "base64_data must be base64");
        }

        lock (_gate)
        {
            if (id is null || !_uploads.TryGetValue(id, out var upload) || upload.BotId != botId)
            {
                return (AiBotErrors.InvalidParameter, "upload_id is unknown (start with aibot_upload_media_init)");
            }

            if (index is null || index < 0 || index >= upload.TotalChunks)
            {
                return (AiBotErrors.InvalidParameter, $"chunk_index must be 0..{upload.TotalChunks - 1}");
            }

            if (bytes.Length == 0 || bytes.Length > options.MaxChunkBytes)
            {
                return (AiBotErrors.InvalidParameter, $"a chunk must hold 1..{options.MaxChunkBytes} bytes before base64 (got {bytes.Length})");
            }

            upload.Chunks[(int)index.Value] = bytes;
            return (AiBotErrors.Ok, "ok");
        }
    }

    public (JsonObject? Body, int Errcode, string Errmsg) Finish(string botId, JsonObject? body)
    {
        var id = AiBotFrames.String(body, "upload_id");
        Upload? upload;
        lock (_gate)
        {
            if (id is null || !_uploads.TryGetValue(id, out upload) || upload.BotId != botId)
            {
                return (null, AiBotErrors.InvalidParameter, "upload_id is unknown (start with aibot_upload_media_init)");
            }

            var missing = Enumerable.Range(0, upload.TotalChunks).Where(i => !upload.Chunks.ContainsKey(i)).ToList();
            if (missing.Count > 0)
            {
                return (null, AiBotErrors.InvalidParameter, $"chunks missing: {string.Join(", ", missing.Take(10))}");
            }

            _uploads.Remove(id);
        }

        var content = upload.Chunks.OrderBy(c => c.Key).SelectMany(c => c.Value).ToArray();
        if (content.Length != upload.TotalSize)
        {
            return (null, AiBotErrors.InvalidParameter, $"the chunks hold {content.Length} bytes, total_size said {upload.TotalSize}");
        }

#pragma warning disable CA5351 // MD5 is the integrity check WeCom's upload names, not a security control.
        if (upload.Md5 is { Length: > 0 } md5 && !string.Equals(Convert.ToHexStringLower(MD5.HashData(content)), md5, StringComparison.OrdinalIgnoreCase))
#pragma warning restore CA5351
        {
            return (null, AiBotErrors.InvalidParameter, "md5 does not match the uploaded content");
        }

        var mediaId = "3" + AiBotFrames.NewId();
        var now = time.GetUtcNow();
        lock (_gate)
        {
            _media[mediaId] = new Stored(botId, upload.Type, upload.FileName, content, now + options.MediaLifetime);
        }

        return (new JsonObject { ["type"] = upload.Type, ["media_id"] = mediaId, ["created_at"] = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) }, AiBotErrors.Ok, "ok");
    }

    /// <summary>The uploaded media, if it exists for this bot and has not expired.</summary>
    public (string Type, string FileName, int Length)? Find(string botId, string? mediaId)
    {
        lock (_gate)
        {
            return mediaId is not null && _media.TryGetValue(mediaId, out var m) && m.BotId == botId && m.ExpiresAt > time.GetUtcNow()
                ? (m.Type, m.FileName, m.Content.Length)
                : null;
        }
    }

    /// <summary>How long a served file's URL works: WeCom documents its file URLs as valid five minutes.</summary>
    public static readonly TimeSpan ServedLifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Keeps a file a user sent, served for <see cref="ServedLifetime"/>; returns its id and the base64 key it is served
    /// encrypted with: a new random aeskey (long connection), or <paramref name="encodingAesKey"/> — the bot's callback
    /// EncodingAESKey, which URL-callback mode encrypts files with and sends no aeskey for.
    /// </summary>
    public (string Id, string AesKey) Serve(byte[] content, string contentType, string fileName, string? encodingAesKey = null)
    {
        var key = encodingAesKey is null ? RandomNumberGenerator.GetBytes(32) : Convert.FromBase64String(encodingAesKey + "=");
        var id = AiBotFrames.NewId();
        var now = time.GetUtcNow();
        lock (_gate)
        {
            foreach (var old in _served.Where(s => s.Value.ExpiresAt <= now).Select(s => s.Key).ToList())
            {
                _served.Remove(old);
            }

            _served[id] = new ServedFile(Encrypt(content, key), contentType, fileName, now + ServedLifetime);
        }

        return (id, Convert.ToBase64String(key));
    }

    /// <summary>The encrypted file while its URL is valid, else null (WeCom's link has expired).</summary>
    public (byte[] Encrypted, string FileName)? Served(string id)
    {
        lock (_gate)
        {
            return _served.TryGetValue(id, out var s) && s.ExpiresAt > time.GetUtcNow() ? (s.Encrypted, s.FileName) : null;
        }
    }

    private static byte[] Encrypt(byte[] content, byte[] key)
    {
        var pad = 32 - (content.Length % 32);
        var padded = new byte[content.Length + pad];
        content.CopyTo(padded, 0);
        padded.AsSpan(content.Length).Fill((byte)pad);
        using var aes = Aes.Create();
        aes.Key = key;
        return aes.EncryptCbc(padded, key.AsSpan(0, 16), PaddingMode.None);
    }

    private sealed record Upload(string BotId, string Type, string FileName, long TotalSize, int TotalChunks, string? Md5)
    {
        public Dictionary<int, byte[]> Chunks { get; } = [];
    }

    private sealed record Stored(string BotId, string Type, string FileName, byte[] Content, DateTimeOffset ExpiresAt);

    private sealed record ServedFile(byte[] Encrypted, string ContentType, string FileName, DateTimeOffset ExpiresAt);
}
