namespace Larkway.Emulator.AiBackend;

/// <summary>The kinds of knowledge API call, as counted and as a fault may be aimed at.</summary>
internal enum KnowledgeRoute
{
    ListDatasets,
    CreateDataset,
    GetDataset,
    Create,
    Update,
    Delete,
    List,
    Get,
    IndexingStatus,
    Retrieve,
}

/// <summary>The wire names of <see cref="KnowledgeRoute"/> (control API: faults' <c>route</c>, the call counts).</summary>
internal static class KnowledgeRoutes
{
    public static IReadOnlyList<KnowledgeRoute> All { get; } = Enum.GetValues<KnowledgeRoute>();

    public static string WireName(this KnowledgeRoute route) => route switch
    {
        KnowledgeRoute.ListDatasets => "list_datasets",
        KnowledgeRoute.CreateDataset => "create_dataset",
        KnowledgeRoute.GetDataset => "get_dataset",
        KnowledgeRoute.Create => "create",
        KnowledgeRoute.Update => "update",
        KnowledgeRoute.Delete => "delete",
        KnowledgeRoute.List => "list",
        KnowledgeRoute.Get => "get",
        KnowledgeRoute.IndexingStatus => "indexing_status",
        _ => "retrieve",
    };

    public static KnowledgeRoute? Parse(string? name) => All.Cast<KnowledgeRoute?>().FirstOrDefault(r => r!.Value.WireName() == name);

    public static string Names => string.Join(", ", All.Select(r => r.WireName()));
}

/// <summary>
/// How many knowledge API calls each route received (every call, refused ones too), so a benchmark can say how many calls
/// a document cost. Not kept in the state file.
/// </summary>
internal sealed class KnowledgeCalls
{
    private readonly long[] _counts = new long[KnowledgeRoutes.All.Count];

    public void Count(KnowledgeRoute route) => Interlocked.Increment(ref _counts[(int)route]);

    public IReadOnlyDictionary<string, long> Snapshot() => KnowledgeRoutes.All.ToDictionary(r => r.WireName(), r => Interlocked.Read(ref _counts[(int)r]));

    public void Clear()
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            Interlocked.Exchange(ref _counts[i], 0);
        }
    }
}
