using System.Globalization;

namespace Larkway.Emulator.AiBackend;

/// <summary>Where a knowledge document's indexing stands: Dify's <c>waiting</c> until the next read, then <c>completed</c>.</summary>
internal enum KnowledgeIndexing
{
    Waiting,
    Completed,
}

/// <summary>A Dify knowledge base (dataset). <see cref="IndexingTechnique"/> is null until its first document sets it.</summary>
internal sealed record KnowledgeDataset(string Id, string Name, string Description, string? IndexingTechnique, string Permission, long CreatedAt, long UpdatedAt);

/// <summary>
/// A document of a knowledge base, created from text through the API. <see cref="Text"/> is kept as given (segments are
/// cut from it only when retrieved); <see cref="Batch"/> is the last create/update's batch, which the indexing status is
/// asked by. <see cref="Tokens"/> is counted when indexing completes (0 before, as Dify).
/// </summary>
internal sealed record KnowledgeDocument(
    string Id,
    string DatasetId,
    int Position,
    string Name,
    string Text,
    string Batch,
    KnowledgeIndexing Indexing,
    string IndexingTechnique,
    string DocForm,
    string DocLanguage,
    string UploadFileId,
    string ProcessRuleId,
    bool Archived,
    int Tokens,
    long CreatedAt,
    long UpdatedAt,
    long? CompletedAt)
{
    /// <summary>Dify's <c>word_count</c> of a text document: its length in characters.</summary>
    public int WordCount => Text.Length;
}

/// <summary>The knowledge bases and their documents, as the state file keeps them.</summary>
internal sealed record KnowledgeSnapshot(IReadOnlyList<KnowledgeDataset> Datasets, IReadOnlyList<KnowledgeDocument> Documents);

/// <summary>Why the store did not make a change.</summary>
internal enum KnowledgeRefusal
{
    None,
    DatasetNotFound,
    DocumentNotFound,
    Archived,
    DocumentLimit,
    DuplicateName,
}

/// <summary>
/// The fake Dify's knowledge bases and documents, in memory and in the state file. One lock guards both (requests hit it
/// concurrently); records are immutable and replaced on change, so what a caller holds never changes under it.
/// </summary>
internal sealed class DifyKnowledge
{
    /// <summary>The account Dify names as <c>created_by</c> of what the API creates (one fixed id: the emulator has one tenant).</summary>
    public const string ApiAccountId = "9b2f6d3e-1c4a-4e8b-b7a5-0d6c8e2f4a10";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, KnowledgeDataset> _datasets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KnowledgeDocument> _documents = new(StringComparer.Ordinal);
    private int _batchSequence;
    private bool _holdIndexing;

    /// <summary>Raised after every change (the state file writer listens).</summary>
    public event Action? Changed;

    /// <summary>
    /// While true, documents stay <c>waiting</c> on reads (so a client's wait for indexing can be tested) until
    /// <see cref="CompleteIndexing"/> is asked with <c>force</c>. Not kept in the state file.
    /// </summary>
    public bool HoldIndexing
    {
        get
        {
            lock (_gate)
            {
                return _holdIndexing;
            }
        }

        set
        {
            lock (_gate)
            {
                _holdIndexing = value;
            }
        }
    }

    /// <summary>A dataset id as Dify takes it: a UUID (any spelling), in its canonical lower-case form; null when not one.</summary>
    public static string? CanonicalId(string? id) => Guid.TryParse(id, out var parsed) ? parsed.ToString("D") : null;

    /// <summary>The knowledge base every fresh emulator holds (<see cref="AiBackendOptions.DefaultDatasetId"/>).</summary>
    public static KnowledgeDataset Seed(long now) =>
        new(AiBackendOptions.DefaultDatasetId, AiBackendOptions.DefaultDatasetName, "Documents the Larkway Hub pushes in the sandbox.", "high_quality", "only_me", now, now);

    public IReadOnlyList<KnowledgeDataset> Datasets()
    {
        lock (_gate)
        {
            return [.. _datasets.Values.OrderByDescending(d => d.CreatedAt).ThenBy(d => d.Name, StringComparer.Ordinal)];
        }
    }

    public KnowledgeDataset? FindDataset(string datasetId)
    {
        lock (_gate)
        {
            return _datasets.GetValueOrDefault(datasetId);
        }
    }

    /// <summary>Creates a dataset (with <paramref name="id"/> when given, else a new one); names are unique, as in Dify.</summary>
    public (KnowledgeDataset? Dataset, KnowledgeRefusal Refusal) CreateDataset(string? id, string name, string description, string? indexingTechnique, string permission, long now)
    {
        KnowledgeDataset dataset;
        lock (_gate)
        {
            if (_datasets.Values.Any(d => d.Name == name) || (id is not null && _datasets.ContainsKey(id)))
            {
                return (null, KnowledgeRefusal.DuplicateName);
            }

            dataset = new KnowledgeDataset(id ?? Guid.NewGuid().ToString(), name, description, indexingTechnique, permission, now, now);
            _datasets[dataset.Id] = dataset;
        }

        Changed?.Invoke();
        return (dataset, KnowledgeRefusal.None);
    }

    /// <summary>How many documents and characters <paramref name="datasetId"/> holds.</summary>
    public (int Documents, long Words) Totals(string datasetId)
    {
        lock (_gate)
        {
            var documents = _documents.Values.Where(d => d.DatasetId == datasetId).ToList();
            return (documents.Count, documents.Sum(d => (long)d.WordCount));
        }
    }

    /// <summary>
    /// Adds a document from text, in a new batch, refused when the dataset is gone or holds <paramref name="maxDocuments"/>
    /// already (checked under the lock, so concurrent creates cannot overshoot it).
    /// </summary>
    public (KnowledgeDocument? Document, KnowledgeRefusal Refusal) AddDocument(string datasetId, string name, string text, string indexingTechnique, string docForm, string docLanguage, int? maxDocuments, DateTimeOffset now)
    {
        KnowledgeDocument document;
        lock (_gate)
        {
            if (!_datasets.TryGetValue(datasetId, out var dataset))
            {
                return (null, KnowledgeRefusal.DatasetNotFound);
            }

            var siblings = _documents.Values.Where(d => d.DatasetId == datasetId).ToList();
            if (siblings.Count >= maxDocuments)
            {
                return (null, KnowledgeRefusal.DocumentLimit);
            }

            var at = now.ToUnixTimeSeconds();
            document = new KnowledgeDocument(
                Guid.NewGuid().ToString(),
                datasetId,
                siblings.Count == 0 ? 1 : siblings.Max(d => d.Position) + 1,
                name,
                text,
                NextBatch(now),
                KnowledgeIndexing.Waiting,
                indexingTechnique,
                docForm,
                docLanguage,
                Guid.NewGuid().ToString(),
                Guid.NewGuid().ToString(),
                Archived: false,
                Tokens: 0,
                at,
                at,
                CompletedAt: null);
            _documents[document.Id] = document;

            // The first document decides a dataset's indexing technique when it was created without one (as Dify).
            _datasets[datasetId] = dataset with { IndexingTechnique = dataset.IndexingTechnique ?? indexingTechnique, UpdatedAt = at };
        }

        Changed?.Invoke();
        return (document, KnowledgeRefusal.None);
    }

    /// <summary>Replaces a document's text (and name when given) in a new batch; its indexing starts again.</summary>
    public (KnowledgeDocument? Document, KnowledgeRefusal Refusal) UpdateDocument(string datasetId, string documentId, string? name, string? text, DateTimeOffset now)
    {
        KnowledgeDocument document;
        lock (_gate)
        {
            if (!_datasets.ContainsKey(datasetId))
            {
                return (null, KnowledgeRefusal.DatasetNotFound);
            }

            if (!_documents.TryGetValue(documentId, out var found) || found.DatasetId != datasetId)
            {
                return (null, KnowledgeRefusal.DocumentNotFound);
            }

            if (found.Archived)
            {
                return (null, KnowledgeRefusal.Archived);
            }

            document = found with
            {
                Name = name ?? found.Name,
                Text = text ?? found.Text,
                Batch = NextBatch(now),
                Indexing = KnowledgeIndexing.Waiting,
                Tokens = 0,
                UpdatedAt = now.ToUnixTimeSeconds(),
                CompletedAt = null,
            };
            _documents[documentId] = document;
        }

        Changed?.Invoke();
        return (document, KnowledgeRefusal.None);
    }

    public KnowledgeRefusal DeleteDocument(string datasetId, string documentId)
    {
        lock (_gate)
        {
            if (!_datasets.ContainsKey(datasetId))
            {
                return KnowledgeRefusal.DatasetNotFound;
            }

            if (!_documents.TryGetValue(documentId, out var found) || found.DatasetId != datasetId)
            {
                return KnowledgeRefusal.DocumentNotFound;
            }

            _documents.Remove(documentId);
        }

        Changed?.Invoke();
        return KnowledgeRefusal.None;
    }

    /// <summary>Archives or restores a document (the control API's stand-in for Dify's console); false when it is not there.</summary>
    public bool SetArchived(string datasetId, string documentId, bool archived)
    {
        lock (_gate)
        {
            if (!_documents.TryGetValue(documentId, out var found) || found.DatasetId != datasetId)
            {
                return false;
            }

            _documents[documentId] = found with { Archived = archived };
        }

        Changed?.Invoke();
        return true;
    }

    /// <summary>
    /// Completes the indexing of every waiting document of <paramref name="datasetId"/> (null: of all datasets). Called by
    /// each read, so a document is <c>completed</c> by the next read after its create or update — no timers. While
    /// <see cref="HoldIndexing"/> is set, only <paramref name="force"/> completes them.
    /// </summary>
    public int CompleteIndexing(string? datasetId, DateTimeOffset now, bool force = false)
    {
        var completed = 0;
        lock (_gate)
        {
            if (_holdIndexing && !force)
            {
                return 0;
            }

            foreach (var document in _documents.Values.Where(d => d.Indexing == KnowledgeIndexing.Waiting && (datasetId is null || d.DatasetId == datasetId)).ToList())
            {
                _documents[document.Id] = document with { Indexing = KnowledgeIndexing.Completed, Tokens = FakeAnswer.CountTokens(document.Text), CompletedAt = now.ToUnixTimeSeconds() };
                completed++;
            }
        }

        if (completed > 0)
        {
            Changed?.Invoke();
        }

        return completed;
    }

    /// <summary>The documents of <paramref name="datasetId"/>, newest created first (Dify's order).</summary>
    public IReadOnlyList<KnowledgeDocument> Documents(string datasetId)
    {
        lock (_gate)
        {
            return [.. _documents.Values.Where(d => d.DatasetId == datasetId).OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Position)];
        }
    }

    public KnowledgeDocument? FindDocument(string datasetId, string documentId)
    {
        lock (_gate)
        {
            return _documents.TryGetValue(documentId, out var found) && found.DatasetId == datasetId ? found : null;
        }
    }

    /// <summary>The documents whose last create or update was <paramref name="batch"/>.</summary>
    public IReadOnlyList<KnowledgeDocument> InBatch(string datasetId, string batch)
    {
        lock (_gate)
        {
            return [.. _documents.Values.Where(d => d.DatasetId == datasetId && d.Batch == batch).OrderBy(d => d.Position)];
        }
    }

    /// <summary>Removes every document of <paramref name="datasetId"/>; the count removed, or null when there is no such dataset.</summary>
    public int? ClearDocuments(string datasetId)
    {
        int removed;
        lock (_gate)
        {
            if (!_datasets.ContainsKey(datasetId))
            {
                return null;
            }

            var gone = _documents.Values.Where(d => d.DatasetId == datasetId).Select(d => d.Id).ToList();
            gone.ForEach(id => _documents.Remove(id));
            removed = gone.Count;
        }

        Changed?.Invoke();
        return removed;
    }

    /// <summary>Back to the start: only the seeded knowledge base, empty.</summary>
    public void Reset(long now)
    {
        lock (_gate)
        {
            _datasets.Clear();
            _documents.Clear();
            _datasets[AiBackendOptions.DefaultDatasetId] = Seed(now);
            _holdIndexing = false;
        }

        Changed?.Invoke();
    }

    public KnowledgeSnapshot Export()
    {
        lock (_gate)
        {
            return new KnowledgeSnapshot(
                [.. _datasets.Values.OrderBy(d => d.CreatedAt).ThenBy(d => d.Id, StringComparer.Ordinal)],
                [.. _documents.Values.OrderBy(d => d.DatasetId, StringComparer.Ordinal).ThenBy(d => d.Position)]);
        }
    }

    /// <summary>What the state file holds; without it (a fresh start, or a file from before knowledge bases) the seeded one.</summary>
    public void Restore(KnowledgeSnapshot? snapshot, long now)
    {
        lock (_gate)
        {
            _datasets.Clear();
            _documents.Clear();
            if (snapshot is null)
            {
                _datasets[AiBackendOptions.DefaultDatasetId] = Seed(now);
                return;
            }

            foreach (var dataset in snapshot.Datasets)
            {
                _datasets[dataset.Id] = dataset;
            }

            foreach (var document in snapshot.Documents.Where(d => _datasets.ContainsKey(d.DatasetId)))
            {
                _documents[document.Id] = document;
            }
        }
    }

    /// <summary>Dify's batch id: the time as <c>yyyyMMddHHmmss</c> and six more digits (20 in all), unique per emulator run.</summary>
    private string NextBatch(DateTimeOffset now)
    {
        string batch;
        do
        {
            // A restored file may hold batches of an earlier run at the same (manual) time: never hand one out twice.
            batch = now.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + (100_000 + (++_batchSequence % 900_000)).ToString(CultureInfo.InvariantCulture);
        }
        while (_documents.Values.Any(d => d.Batch == batch));

        return batch;
    }
}
