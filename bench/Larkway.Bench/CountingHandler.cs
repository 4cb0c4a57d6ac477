namespace Larkway.Bench;

/// <summary>Counts token requests and other API requests passing through to the network.</summary>
internal sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private int _tokenRequests;
    private int _apiRequests;

    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    public int ApiRequests => Volatile.Read(ref _apiRequests);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri?.AbsolutePath.Contains("/auth/v3/", StringComparison.Ordinal) == true)
        {
            Interlocked.Increment(ref _tokenRequests);
        }
        else
        {
            Interlocked.Increment(ref _apiRequests);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
