namespace Larkway.Hub.Platform.Hosting;

/// <summary>What the Hub's own listening address is to a client on this machine (the start banner, links back to the Hub).</summary>
internal static class ListeningAddress
{
    /// <summary>A listening address as a client on this machine dials it: a wildcard host becomes the loopback.</summary>
    public static string Dialable(string address) =>
        address.Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal);
}
