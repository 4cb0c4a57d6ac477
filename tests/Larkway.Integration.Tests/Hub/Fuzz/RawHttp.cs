using System.Net.Sockets;
using System.Text;

namespace Larkway.Integration.Tests.Hub.Fuzz;

/// <summary>HTTP/1.1 written by hand on a socket, for framing no HTTP client would send: broken chunks, short bodies, bad headers.</summary>
internal static class RawHttp
{
    /// <summary>A request with broken framing and what it is, for the failure report.</summary>
    public sealed record Case(string Name, byte[] Request, bool CloseAfterSending = true, TimeSpan? Wait = null);

    /// <summary>Requests to <paramref name="path"/> whose framing is wrong in each way a hostile client tries.</summary>
    public static IEnumerable<Case> BrokenFraming(string path, string host, string? authorization)
    {
        var auth = authorization is null ? "" : $"Authorization: {authorization}\r\n";
        byte[] Head(string method, string headers) => Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\nHost: {host}\r\n{auth}Content-Type: application/json\r\n{headers}\r\n");

        yield return new("chunk-size-garbage", [.. Head("POST", "Transfer-Encoding: chunked\r\n"), .. "ZZ\r\n{}\r\n0\r\n\r\n"u8]);
        yield return new("chunk-size-overflow", [.. Head("POST", "Transfer-Encoding: chunked\r\n"), .. "FFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n"u8]);
        yield return new("chunk-truncated", [.. Head("POST", "Transfer-Encoding: chunked\r\n"), .. "100\r\n{\"name\": \"x\","u8]);
        yield return new("chunk-without-crlf", [.. Head("POST", "Transfer-Encoding: chunked\r\n"), .. "2\r\n{}XX0\r\n\r\n"u8]);
        yield return new("body-shorter-than-length", [.. Head("POST", "Content-Length: 1000\r\n"), .. "{\"name\": \"x\"}"u8]);
        yield return new("length-and-chunked", [.. Head("POST", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"), .. "2\r\n{}\r\n0\r\n\r\n"u8]);
        yield return new("negative-length", [.. Head("POST", "Content-Length: -1\r\n"), .. "{}"u8]);
        yield return new("two-lengths", [.. Head("POST", "Content-Length: 2\r\nContent-Length: 3\r\n"), .. "{}"u8]);
        yield return new("control-char-header", [.. Head("POST", "X-Fuzz: a\u0001b\r\nContent-Length: 2\r\n"), .. "{}"u8]);
        yield return new("bad-version", Encoding.ASCII.GetBytes($"POST {path} HTTP/9.9\r\nHost: {host}\r\nContent-Length: 2\r\n\r\n{{}}"));
        yield return new("non-ascii-path", [.. "GET "u8, .. Encoding.ASCII.GetBytes(path), 0xFF, 0xC3, .. " HTTP/1.1\r\nHost: x\r\n\r\n"u8]);
        yield return new("huge-header", Head("POST", $"X-Fuzz: {new string('a', 100_000)}\r\nContent-Length: 0\r\n"));

        // Slow body: 10 of 1,000 bytes and then silence; the server must give up on its own (no hang).
        yield return new("slow-body", [.. Head("POST", "Content-Length: 1000\r\n"), .. "{\"name\": "u8], CloseAfterSending: false, Wait: TimeSpan.FromSeconds(90));
    }

    /// <summary>Sends the case; the status code of the answer, or null when the server closed without one.</summary>
    /// <exception cref="TimeoutException">Neither an answer nor a close within the wait: a hang.</exception>
    public static async Task<int?> SendAsync(Uri baseUrl, Case request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(baseUrl.Host, baseUrl.Port);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(request.Request);
            if (request.CloseAfterSending)
            {
                client.Client.Shutdown(SocketShutdown.Send);
            }
        }
        catch (IOException)
        {
            // The server closed before taking all of it (e.g. a header too large): read what it answered.
        }

        using var cts = new CancellationTokenSource(request.Wait ?? TimeSpan.FromSeconds(30));
        var received = new List<byte>();
        var buffer = new byte[1024];
        try
        {
            while (!received.Contains((byte)'\n'))
            {
                var read = await stream.ReadAsync(buffer, cts.Token);
                if (read == 0)
                {
                    break;
                }

                received.AddRange(buffer.AsSpan(0, read));
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no answer and no close within {(request.Wait ?? TimeSpan.FromSeconds(30)).TotalSeconds} s");
        }
        catch (IOException)
        {
            // Reset by the server: closed without an answer.
        }

        var line = Encoding.ASCII.GetString([.. received]);
        return line.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && int.TryParse(line.AsSpan(9, 3), out var status) ? status : null;
    }
}
