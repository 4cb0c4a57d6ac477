using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Larkway.Feishu.AspNetCore;

/// <summary>How reading a request body ended.</summary>
internal enum FeishuBodyReadOutcome
{
    /// <summary>The whole body is in <see cref="FeishuBodyRead.Body"/>.</summary>
    Read,

    /// <summary>The body is larger than the endpoint's limit.</summary>
    TooLarge,

    /// <summary>The server could not read the body: broken chunked framing, fewer bytes than Content-Length, too slow.</summary>
    Unreadable,

    /// <summary>The client went away; there is nobody to answer.</summary>
    ClientGone,
}

/// <summary>The result of <see cref="FeishuRequestBody.ReadAsync"/>.</summary>
/// <param name="Outcome">How reading ended.</param>
/// <param name="Body">The body bytes when <see cref="FeishuBodyReadOutcome.Read"/>, else empty.</param>
/// <param name="Status">For <see cref="FeishuBodyReadOutcome.Unreadable"/>: the 4xx status the server gave the failure.</param>
/// <param name="Detail">For <see cref="FeishuBodyReadOutcome.Unreadable"/>: what the server found wrong (no body content).</param>
internal readonly record struct FeishuBodyRead(FeishuBodyReadOutcome Outcome, byte[] Body, int Status = 0, string? Detail = null);

/// <summary>Reads a request body into memory up to a limit, without trusting Content-Length.</summary>
internal static class FeishuRequestBody
{
    /// <summary>Reads the body. Never throws for what the client sent or how it sent it; only for <paramref name="cancellationToken"/> via <see cref="FeishuBodyReadOutcome.ClientGone"/>.</summary>
    public static async Task<FeishuBodyRead> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return new(FeishuBodyReadOutcome.TooLarge, []);
        }

        // Let the server enforce the limit too, where it can (not after reading has started).
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = limit + 1;
        }

        // One byte more than announced: the read that finds the end needs room too, or the buffer would grow to ask for it.
        var buffer = new ArrayBufferWriter<byte>((int)Math.Clamp((request.ContentLength ?? 4095) + 1, 1, limit + 1));
        try
        {
            // The token is checked between reads, never handed to one: Kestrel leaves a body whose read was cancelled
            // "already reading", and then fails to drain it with an error in the log. A reset ends the read by itself.
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var memory = buffer.GetMemory(buffer.FreeCapacity > 0 ? 1 : 4096);
                var read = await request.Body.ReadAsync(memory, CancellationToken.None).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > limit)
                {
                    return new(FeishuBodyReadOutcome.TooLarge, []);
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new(FeishuBodyReadOutcome.TooLarge, []);
        }
        catch (BadHttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Kestrel's messages name the framing fault ("Bad chunk size data.", "Unexpected end of request content.").
            var status = ex.StatusCode is >= 400 and < 500 ? ex.StatusCode : StatusCodes.Status400BadRequest;
            return new(FeishuBodyReadOutcome.Unreadable, [], status, ex.Message);
        }
        catch (Exception ex) when (ex is BadHttpRequestException or IOException or OperationCanceledException)
        {
            // The client aborted or reset the connection (ConnectionResetException is an IOException).
            return new(FeishuBodyReadOutcome.ClientGone, []);
        }

        return new(FeishuBodyReadOutcome.Read, buffer.WrittenSpan.ToArray());
    }
}
