using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Larkway.Integration.Tests.Hub.Observability;

/// <summary>A span as received: its name, ids and string attributes.</summary>
internal sealed record ReceivedSpan(string Name, ByteString TraceId, ByteString SpanId, ByteString ParentSpanId, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// An OTLP/HTTP protobuf collector on 127.0.0.1 (<c>/v1/metrics</c>, <c>/v1/traces</c>), decoding only what the tests
/// read, by field number with <see cref="CodedInputStream"/> — no generated code, so the wire format is checked as
/// written in the OTLP protos: ExportMetricsServiceRequest.resource_metrics = 1, ResourceMetrics.resource = 1 /
/// scope_metrics = 2, ScopeMetrics.metrics = 2, Metric.name = 1; ExportTraceServiceRequest.resource_spans = 1,
/// ResourceSpans.resource = 1 / scope_spans = 2, ScopeSpans.spans = 2, Span.trace_id = 1 / span_id = 2 /
/// parent_span_id = 4 / name = 5 / attributes = 9; Resource.attributes = 1, KeyValue.key = 1 / value = 2,
/// AnyValue.string_value = 1.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentQueue<string> MetricNames { get; } = new();

    public ConcurrentQueue<ReceivedSpan> Spans { get; } = new();

    /// <summary>service.name of every resource that sent anything.</summary>
    public ConcurrentQueue<string> ServiceNames { get; } = new();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/metrics", async (HttpContext context) => await receiver.ReceiveAsync(context, receiver.ReadMetrics));
        app.MapPost("/v1/traces", async (HttpContext context) => await receiver.ReceiveAsync(context, receiver.ReadTraces));
        await app.StartAsync();
        receiver.BaseUrl = new Uri(app.Urls.First());
        return receiver;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task<IResult> ReceiveAsync(HttpContext context, Action<ByteString> read)
    {
        context.Request.ContentType.ShouldBe("application/x-protobuf");
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        read(ByteString.CopyFrom(body.ToArray()));

        // An empty Export…ServiceResponse: full success.
        return Results.Bytes([], "application/x-protobuf");
    }

    private void ReadMetrics(ByteString request)
    {
        foreach (var resourceMetrics in Fields(request, 1))
        {
            ReadResource(resourceMetrics);
            foreach (var scopeMetrics in Fields(resourceMetrics, 2))
            {
                foreach (var metric in Fields(scopeMetrics, 2))
                {
                    MetricNames.Enqueue(Fields(metric, 1).Single().ToStringUtf8());
                }
            }
        }
    }

    private void ReadTraces(ByteString request)
    {
        foreach (var resourceSpans in Fields(request, 1))
        {
            ReadResource(resourceSpans);
            foreach (var scopeSpans in Fields(resourceSpans, 2))
            {
                foreach (var span in Fields(scopeSpans, 2))
                {
                    Spans.Enqueue(new ReceivedSpan(
                        Fields(span, 5).Single().ToStringUtf8(),
                        Fields(span, 1).Single(),
                        Fields(span, 2).Single(),
                        Fields(span, 4).SingleOrDefault() ?? ByteString.Empty,
                        Attributes(Fields(span, 9))));
                }
            }
        }
    }

    private void ReadResource(ByteString resourceHolder)
    {
        foreach (var resource in Fields(resourceHolder, 1))
        {
            if (Attributes(Fields(resource, 1)).TryGetValue("service.name", out var name))
            {
                ServiceNames.Enqueue(name);
            }
        }
    }

    private static Dictionary<string, string> Attributes(IEnumerable<ByteString> keyValues)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in keyValues)
        {
            var key = Fields(keyValue, 1).Single().ToStringUtf8();
            var stringValue = Fields(keyValue, 2).SelectMany(v => Fields(v, 1)).FirstOrDefault();
            if (stringValue is not null)
            {
                attributes[key] = stringValue.ToStringUtf8();
            }
        }

        return attributes;
    }

    /// <summary>The length-delimited values of field <paramref name="number"/> (every other field skipped).</summary>
    private static List<ByteString> Fields(ByteString message, int number)
    {
        var values = new List<ByteString>();
        var input = new CodedInputStream(message.ToByteArray());
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == number && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                values.Add(input.ReadBytes());
            }
            else
            {
                input.SkipLastField();
            }
        }

        return values;
    }
}
