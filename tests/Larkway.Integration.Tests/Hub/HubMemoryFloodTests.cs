using System.Net;
using System.Net.Http.Headers;
using Larkway.Integration.Tests.Hub.Fuzz;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Large bodies from nobody cost the Hub no memory: every API authenticates before it reads, and every route has a
/// limit far below these bodies. Asserts on the process's resident memory, measured from /proc, not on time.
/// </summary>
[Collection(AttackCollection.Name)]
public sealed class HubMemoryFloodTests
{
    private const int Concurrent = 64;
    private const long BodyBytes = 25L * 1024 * 1024;

    /// <summary>Generous against allocator noise: the flood below sends 1.6 GB, which buffered would be far more.</summary>
    private const long AllowedGrowth = 150L * 1024 * 1024;

    private static readonly string[] Routes =
    [
        "/api/v1/api-keys", "/api/v1/notifications", "/api/v1/approvals", "/api/v1/webhooks", "/api/v1/apps",
        "/api/v1/notification-types/payment.pending/preview", "/feishu/events", "/feishu/cards", "/console/sign-in",
    ];

    [Fact]
    public async Task A_flood_of_large_unauthenticated_bodies_leaves_the_Hubs_memory_flat_and_it_answering()
    {
        var storage = HubStorage.NewSqlite("larkway-flood-");
        await using var hub = await HubProcess.StartAsync(new Dictionary<string, string>(storage)
        {
            ["LARKWAY_EMULATOR_PORT"] = "0",
            ["LARKWAY_ADMIN_KEY"] = "flood-admin-key-0123456789",
        });
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { BaseAddress = hub.BaseUrl, Timeout = TimeSpan.FromMinutes(2) };

        // Warm up what a first request allocates once (JIT, pools), then measure.
        for (var i = 0; i < 20; i++)
        {
            using var warm = await http.PostAsync(Routes[i % Routes.Length], new ByteArrayContent(new byte[1024]));
        }

        var before = hub.ResidentBytes();
        var statuses = new System.Collections.Concurrent.ConcurrentBag<int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Concurrent * 2), new ParallelOptions { MaxDegreeOfParallelism = Concurrent }, async (i, cancellationToken) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Routes[i % Routes.Length])
            {
                Content = new ZeroContent(BodyBytes, withLength: i % 2 == 0),
            };
            try
            {
                using var response = await http.SendAsync(request, cancellationToken);
                statuses.Add((int)response.StatusCode);
            }
            catch (HttpRequestException)
            {
                // The Hub answered and closed before taking the rest: the point of the test.
            }
        });
        var after = hub.ResidentBytes();

        hub.HasExited.ShouldBeFalse();
        (after - before).ShouldBeLessThan(AllowedGrowth, $"RSS grew from {before / 1048576} MB to {after / 1048576} MB under {Concurrent * 2} bodies of {BodyBytes / 1048576} MB");

        // Most senders see the connection closed under them; those that read an answer read a refusal.
        statuses.ShouldAllBe(s => s == 401 || s == 404 || s == 413 || s == 400 || s == 415, string.Join(",", statuses));
        using var health = await http.GetAsync("/healthz");
        health.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>
    /// One huge JSON string (<c>{"name":"xxx…</c>), which a reader that binds before authenticating buffers whole; written
    /// in small pieces from one buffer, so the test holds none of it.
    /// </summary>
    private sealed class ZeroContent : HttpContent
    {
        private static readonly byte[] Opening = "{\"name\":\""u8.ToArray();
        private static readonly byte[] Chunk = Enumerable.Repeat((byte)'x', 64 * 1024).ToArray();
        private readonly long _length;
        private readonly bool _withLength;

        public ZeroContent(long length, bool withLength)
        {
            _length = length;
            _withLength = withLength;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(Opening);
            for (long sent = Opening.Length; sent < _length; sent += Chunk.Length)
            {
                await stream.WriteAsync(Chunk.AsMemory(0, (int)Math.Min(Chunk.Length, _length - sent)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return _withLength;
        }
    }
}
