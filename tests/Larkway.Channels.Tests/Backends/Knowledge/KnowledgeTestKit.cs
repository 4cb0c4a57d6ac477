using System.Net;
using System.Text;
using Larkway.Channels.Backends.Dify.Knowledge;
using Microsoft.Extensions.Logging;

namespace Larkway.Channels.Tests.Backends.Knowledge;

/// <summary>A request the stub handler saw: when (on the test's clock), the method and path.</summary>
internal sealed record StubRequest(DateTimeOffset At, string Method, string Path);

/// <summary>
/// A stand-in for the network that answers at once, in order, from a script (an answer, or an exception to throw), and
/// records each request with the time of the test's clock: for tests on a fake clock, where a server's own threads
/// would race the clock.
/// </summary>
internal sealed class StubKnowledgeHandler(TimeProvider time, params Func<HttpResponseMessage>[] answers) : HttpMessageHandler
{
    private readonly Lock _gate = new();
    private readonly List<StubRequest> _requests = [];
    private int _next;

    public IReadOnlyList<StubRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static Func<HttpResponseMessage> Json(int status, string json) => () => new HttpResponseMessage((HttpStatusCode)status)
    {
        Content = new StringContent(json, Encoding.UTF8, "application/json"),
    };

    public static Func<HttpResponseMessage> Throw(HttpRequestError error) => () => throw new HttpRequestException(error, $"The test's network failed ({error}).");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Func<HttpResponseMessage> answer;
        lock (_gate)
        {
            _requests.Add(new StubRequest(time.GetUtcNow(), request.Method.Method, request.RequestUri!.AbsolutePath));
            answer = _next < answers.Length ? answers[_next++] : answers[^1];
        }

        try
        {
            return Task.FromResult(answer());
        }
        catch (HttpRequestException ex)
        {
            return Task.FromException<HttpResponseMessage>(ex);
        }
    }
}

/// <summary>The client's log lines, formatted, with their event ids.</summary>
internal sealed class CapturingLogger : ILogger<DifyKnowledgeClient>
{
    private readonly Lock _gate = new();
    private readonly List<(int EventId, LogLevel Level, string Text)> _lines = [];

    public IReadOnlyList<(int EventId, LogLevel Level, string Text)> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_gate)
        {
            _lines.Add((eventId.Id, logLevel, formatter(state, exception)));
        }
    }
}
