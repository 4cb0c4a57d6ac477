namespace Larkway.DingTalk;

/// <summary>A file downloaded from DingTalk, streamed from the network. Dispose it to release the connection.</summary>
public sealed class DingTalkDownload : IDisposable, IAsyncDisposable
{
    private readonly IDisposable? _owner;

    /// <summary>Wraps a content stream (for fakes and tests).</summary>
    public DingTalkDownload(System.IO.Stream content, string? fileName = null, string? contentType = null, long? length = null)
        : this(content, fileName, contentType, length, owner: null)
    {
    }

    internal DingTalkDownload(System.IO.Stream content, string? fileName, string? contentType, long? length, IDisposable? owner)
    {
        ArgumentNullException.ThrowIfNull(content);
        Content = content;
        FileName = fileName;
        ContentType = contentType;
        Length = length;
        _owner = owner;
    }

    /// <summary>The file's bytes, streamed from the network.</summary>
    public System.IO.Stream Content { get; }

    /// <summary>
    /// The file name of <c>Content-Disposition</c>, when the server sent one. A robot message's file link does not carry
    /// the name the user gave it: that is the message's <c>content.fileName</c>.
    /// </summary>
    public string? FileName { get; }

    /// <summary>The content type the server sent.</summary>
    public string? ContentType { get; }

    /// <summary>The length in bytes, when known in advance.</summary>
    public long? Length { get; }

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
