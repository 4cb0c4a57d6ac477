using System.Collections.Concurrent;

namespace Larkway.Feishu.Bitable;

/// <summary>What one app's bitable calls share: a write lock per base and the batch sizes learnt per table.</summary>
internal sealed class BitableState : IDisposable
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _writeLocks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string App, string Table, BitableBatchKind Kind), BitableBatchSize> _sizes = new();

    /// <summary>The lock writes to <paramref name="appToken"/> take, one at a time.</summary>
    public SemaphoreSlim WriteLock(string appToken) => _writeLocks.GetOrAdd(appToken, static _ => new SemaphoreSlim(1, 1));

    /// <summary>The batch size of one kind of batch on one table, starting at <paramref name="configured"/>.</summary>
    public BitableBatchSize Size(string appToken, string tableId, BitableBatchKind kind, int configured) =>
        _sizes.GetOrAdd((appToken, tableId, kind), static (_, cap) => new BitableBatchSize(cap), configured);

    public void Dispose()
    {
        foreach (var gate in _writeLocks.Values)
        {
            gate.Dispose();
        }
    }
}

/// <summary>The kinds of record batch, each with its own cap.</summary>
internal enum BitableBatchKind
{
    Create,
    Update,
    Delete,
    Get,
}

/// <summary>
/// A batch size that adapts: halved on 1254607 (data not ready), doubled back towards its cap after successes; its cap
/// halved for good on 1254104 (the table's limit is lower than configured).
/// </summary>
internal sealed class BitableBatchSize(int cap)
{
    private readonly Lock _gate = new();
    private int _cap = cap;
    private int _current = cap;
    private int _successes;

    public int Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    public int Cap
    {
        get
        {
            lock (_gate)
            {
                return _cap;
            }
        }
    }

    /// <summary>A call of <paramref name="sent"/> items went through; true when the size grew back.</summary>
    public bool Succeeded(int sent, int restoreAfter)
    {
        lock (_gate)
        {
            if (_current >= _cap || sent < _current)
            {
                // Only a full batch proves the size works; a short tail says nothing.
                _successes = _current >= _cap ? 0 : _successes;
                return false;
            }

            if (++_successes < restoreAfter)
            {
                return false;
            }

            _successes = 0;
            _current = Math.Min(_cap, _current * 2);
            return true;
        }
    }

    /// <summary>1254607 for a call of <paramref name="sent"/> items: the size becomes at most half of that (not below 1). Returns the new size.</summary>
    public int DataNotReady(int sent)
    {
        lock (_gate)
        {
            _successes = 0;
            _current = Math.Min(_current, Math.Max(1, sent / 2));
            return _current;
        }
    }

    /// <summary>1254104 for a call of <paramref name="sent"/> items: the cap halves for good. Returns the new size.</summary>
    public int CapExceeded(int sent)
    {
        lock (_gate)
        {
            _cap = Math.Min(_cap, Math.Max(1, sent / 2));
            _current = Math.Min(_current, _cap);
            _successes = 0;
            return _current;
        }
    }
}
