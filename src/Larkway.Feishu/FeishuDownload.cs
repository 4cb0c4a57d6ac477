namespace Larkway.Feishu;

/// <summary>A downloaded file: its content stream (read it once) and what the response said about it.</summary>
public sealed class FeishuDownload : IDisposable, IAsyncDisposable
{
    private readonly IDisposable? _owner;

    /// <summary>Wraps a content stream (for fakes and tests).</summary>
    public FeishuDownload(Stream content, string? fileName = null, string? contentType = null, long? length = null)
        : this(content, fileName, contentType, length, owner: null)
    {
    }

    internal FeishuDownload(Stream content, string? fileName, string? contentType, long? length, IDisposable? owner)
    {
        Content = content;
        FileName = fileName;
        ContentType = contentType;
        Length = length;
        _owner = owner;
    }

    /// <summary>The file's bytes, streamed from the network.</summary>
    public Stream Content { get; }

    /// <summary>The file name from <c>Content-Disposition</c>, when the platform sent one.</summary>
    public string? FileName { get; }

    /// <summary>The content type the platform sent.</summary>
    public string? ContentType { get; }

    /// <summary>The length in bytes, when known in advance.</summary>
    public long? Length { get; }

    /// <summary>Reads the whole content into memory.</summary>
    public async Task<byte[]> ReadAllBytesAsync(CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await Content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Content.Dispose();
        _owner?.Dispose();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync().ConfigureAwait(false);
        _owner?.Dispose();
    }
}
