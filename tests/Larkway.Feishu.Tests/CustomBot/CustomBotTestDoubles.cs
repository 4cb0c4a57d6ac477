using System.Net;
using System.Runtime.CompilerServices;
using System.Text;

namespace Larkway.Feishu.Tests.CustomBot;

/// <summary>A request as the stub handler saw it.</summary>
internal sealed record CapturedRequest(HttpMethod Method, Uri Uri, string? ContentType, string Body);

/// <summary>Answers queued responses in order (or success once the queue is empty) and records every request.</summary>
internal sealed class WebhookStubHandler : HttpMessageHandler
{
    public const string Success = """{"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"}""";

    private readonly Queue<Func<HttpResponseMessage>> _responses = new();

    public List<CapturedRequest> Requests { get; } = [];

    public WebhookStubHandler Respond(string body, HttpStatusCode status = HttpStatusCode.OK, params (string Name, string Value)[] headers)
    {
        _responses.Enqueue(() =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            foreach (var (name, value) in headers)
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }

            return response;
        });
        return this;
    }

    public WebhookStubHandler Throw(Exception exception)
    {
        _responses.Enqueue(() => throw exception);
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add(new CapturedRequest(request.Method, request.RequestUri!, request.Content?.Headers.ContentType?.ToString(), body));
        return _responses.Count > 0 ? _responses.Dequeue()() : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Success) };
    }
}

/// <summary>
/// A clock that only moves when a timer is created: the timer "elapses" at once, the clock jumps by its due time,
/// and the requested delays are recorded so tests can assert the back-off without waiting.
/// </summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _now = start;

    public List<TimeSpan> Delays { get; } = [];

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            _now += by;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            Delays.Add(dueTime);
            _now += dueTime;
        }

        // Fire on the pool, after Task.Delay has finished wiring up the timer.
        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new NoopTimer();
    }

    private sealed class NoopTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>Finds files under tests/fixtures (see its README for where the facts come from).</summary>
internal static class Fixtures
{
    public static string Path(string relative, [CallerFilePath] string sourceFile = "")
    {
        // Test output lives under the repo; the source file path covers builds from elsewhere (e.g. a scratch project).
        foreach (var start in new[] { AppContext.BaseDirectory, System.IO.Path.GetDirectoryName(sourceFile) ?? string.Empty })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "Larkway.slnx")))
                {
                    return System.IO.Path.Combine(dir.FullName, "tests", "fixtures", relative);
                }
            }
        }

        throw new FileNotFoundException($"Larkway.slnx not found above {AppContext.BaseDirectory} or {sourceFile}.");
    }
}
