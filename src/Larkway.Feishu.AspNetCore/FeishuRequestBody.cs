using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Larkway.Feishu.AspNetCore;

/// <summary>Reads a request body into memory up to a limit, without trusting Content-Length.</summary>
internal static class FeishuRequestBody
{
    /// <summary>How reading ended.</summary>
    public enum Outcome
    {
        Read,
        TooLarge,

        /// <summary>The framing was broken: a bad chunk, a body shorter than its Content-Length.</summary>
        Broken,

        /// <summary>The client went away; there is nobody to answer.</summary>
        Aborted,
    }

    /// <summary>The body bytes (when <see cref="Outcome.Read"/>), or why there are none.</summary>
    public static async Task<(Outcome Outcome, byte[]? Body)> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return (Outcome.TooLarge, null);
        }

        // Let the server enforce the limit too, where it can (not after reading has started).
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = limit + 1;
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Clamp(request.ContentLength ?? 4096, 1, limit + 1));
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(4096);
                var read = await request.Body.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > limit)
                {
                    return (Outcome.TooLarge, null);
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (Outcome.TooLarge, null);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException && request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return (Outcome.Aborted, null);
        }
        catch (Exception ex) when (ex is BadHttpRequestException or IOException)
        {
            // Kestrel raises IOException for some broken framing too (an overflowing chunk size).
            return (Outcome.Broken, null);
        }

        return (Outcome.Read, buffer.WrittenSpan.ToArray());
    }
}
