using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Larkway.Integration.Tests.Hub.Contract;

/// <summary>One call of the Hub's API as it crossed the wire: what was sent and what came back.</summary>
internal sealed record ApiExchange(
    string Method,
    string Path,
    int Status,
    string? RequestContentType,
    byte[] RequestBody,
    string? ResponseContentType,
    byte[] ResponseBody);

/// <summary>
/// Records every <c>/api/v1</c> call a test's Hub answers, at the front of its pipeline, so the calls can be checked
/// against the Hub's own OpenAPI document (<see cref="OpenApiContract"/>) whichever client made them.
/// </summary>
internal sealed class ApiRecorder : IStartupFilter
{
    /// <summary>Bodies larger than this are not kept (none of the API's are; the check then says it could not read one).</summary>
    private const int MaxKept = 1 << 20;

    public ConcurrentQueue<ApiExchange> Exchanges { get; } = new();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(RecordAsync);
        next(app);
    };

    private async Task RecordAsync(HttpContext http, RequestDelegate next)
    {
        var path = http.Request.Path.Value ?? "";
        if (!path.StartsWith("/api/v1/", StringComparison.Ordinal) || path == "/api/v1/openapi.json")
        {
            await next(http);
            return;
        }

        http.Request.EnableBuffering();
        var answered = http.Response.Body;
        using var copy = new TeeStream(answered, MaxKept);
        http.Response.Body = copy;
        try
        {
            await next(http);
        }
        finally
        {
            http.Response.Body = answered;
        }

        if (await SentAsync(http.Request) is not { } sent)
        {
            return;
        }

        Exchanges.Enqueue(new(http.Request.Method, path, http.Response.StatusCode, http.Request.ContentType, sent, http.Response.ContentType, copy.Kept));
    }

    /// <summary>
    /// The request's body as sent; null when it could not be read whole (broken framing, a client gone): then what the
    /// client got is the server's own answer, not the endpoint's, and there is nothing of the API's to check.
    /// </summary>
    private static async Task<byte[]?> SentAsync(HttpRequest request)
    {
        try
        {
            request.Body.Position = 0;
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            return buffer.Length <= MaxKept ? buffer.ToArray() : [];
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException or OperationCanceledException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Writes through to the response and keeps a copy of what was written (up to a limit).</summary>
    private sealed class TeeStream(Stream inner, int limit) : Stream
    {
        private readonly MemoryStream _kept = new();

        public byte[] Kept => _kept.ToArray();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            Keep(buffer.AsSpan(offset, count));
            inner.Write(buffer, offset, count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Keep(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private void Keep(ReadOnlySpan<byte> bytes)
        {
            if (_kept.Length + bytes.Length <= limit)
            {
                _kept.Write(bytes);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _kept.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
