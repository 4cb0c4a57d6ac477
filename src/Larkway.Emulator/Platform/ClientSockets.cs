using System.Net.WebSockets;
using System.Text;

namespace Larkway.Emulator.Platform;

/// <summary>
/// The server side of the platforms' JSON long connections (DingTalk's Stream, WeCom's AI bot): reading a client's text
/// messages whole, within a size limit, and writing one text frame at a time.
/// </summary>
internal static class ClientSockets
{
    private const int ReceiveBufferSize = 16 * 1024;

    /// <summary>
    /// Serves one accepted client socket until it leaves or any of <paramref name="stopping"/> ends: each whole text message
    /// goes to <paramref name="onText"/>; when reading ends, <paramref name="gone"/> hears why (not when the emulator is
    /// stopping); <paramref name="abort"/> always runs last.
    /// </summary>
    public static async Task ServeAsync(WebSocket socket, int maxBytes, string tooLarge, Func<string, Task> onText, Func<string, Task> gone, Action abort, params CancellationToken[] stopping)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        try
        {
            var reason = await ReceiveAsync(socket, maxBytes, tooLarge, onText, stop.Token);
            await gone(reason);
        }
        catch (OperationCanceledException)
        {
            // the emulator is stopping
        }
        finally
        {
            abort();
        }
    }

    /// <summary>
    /// Reads until the client leaves, the socket fails, or <paramref name="ct"/> ends; hands each whole text message to
    /// <paramref name="onText"/> and returns why reading ended (<paramref name="tooLarge"/> for a message over
    /// <paramref name="maxBytes"/>).
    /// </summary>
    public static async Task<string> ReceiveAsync(WebSocket socket, int maxBytes, string tooLarge, Func<string, Task> onText, CancellationToken ct)
    {
        var buffer = new byte[ReceiveBufferSize];
        using var message = new MemoryStream();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var result = await socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return "closed by the client";
                }

                message.Write(buffer, 0, result.Count);
                if (message.Length > maxBytes)
                {
                    return tooLarge;
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                // When the server closes (a refused subscribe), reading goes on until the client answers the close frame:
                // aborting at once could reset the TCP before the client has read why.
                if (result.MessageType == WebSocketMessageType.Text)
                {
                    await onText(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
                }

                message.SetLength(0);
            }

            return "stopping";
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            return "the connection broke";
        }
    }

    /// <summary>
    /// Writes one text frame, one writer at a time (<paramref name="sendLock"/>); false when the socket is gone, after
    /// calling <paramref name="broken"/> when the write itself failed.
    /// </summary>
    public static async Task<bool> SendAsync(WebSocket socket, SemaphoreSlim sendLock, string text, Action broken, CancellationToken ct)
    {
        try
        {
            await sendLock.WaitAsync(ct);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }

        try
        {
            if (socket.State != WebSocketState.Open)
            {
                return false;
            }

            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, ct);
            return true;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            broken();
            return false;
        }
        finally
        {
            sendLock.Release();
        }
    }
}
