using System.Diagnostics;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Platform;

namespace Larkway.Emulator.Bitable;

/// <summary>A write fault armed through the control API: the next <see cref="Remaining"/> writes (to one base, or any) fail.</summary>
public sealed record BitableFault(string Kind, string? AppToken, int Remaining)
{
    public const string WriteConflict = "write_conflict";
    public const string DataNotReady = "data_not_ready";
    public const string TooManyRequests = "too_many_requests";

    public static bool IsKnownKind(string kind) => kind is WriteConflict or DataNotReady or TooManyRequests;
}

/// <summary>
/// Where every write to a base (records, fields, views, tables) passes first, as the platform serialises them: armed faults;
/// then 1254291 Write conflict when another write to the same base is still under way (in flight, or within
/// <see cref="BitableOptions.WriteDuration"/> of its arrival); then 1254290 TooManyRequest past
/// <see cref="BitableOptions.TableWritesPerSecond"/> writes per second to one table, all callers together.
/// </summary>
internal sealed class BitableWriteGate(EmulatorOptions options, RateLimiter rateLimiter)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (int InFlight, long BusyUntil)> _bases = new(StringComparer.Ordinal);
    private readonly List<BitableFault> _faults = [];

    public IDisposable Enter(string appToken, string? tableId)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            if (TakeFault(appToken) is { } fault)
            {
                throw fault.Kind switch
                {
                    BitableFault.WriteConflict => Conflict(appToken, "(injected fault)"),
                    BitableFault.DataNotReady => BitableErrors.Error(BitableErrors.DataNotReady, "the base could not finish the write in time (injected fault); wait, and retry with a smaller batch"),
                    _ => BitableErrors.Error(BitableErrors.TooManyRequest, "request too fast (injected fault); try again later"),
                };
            }

            var busy = _bases.GetValueOrDefault(appToken);
            if (busy.InFlight > 0 || now < busy.BusyUntil)
            {
                throw Conflict(appToken, "another write to this base is under way; writes to one base must not overlap");
            }

            if (tableId is not null && options.EnforceRateLimits
                && rateLimiter.TryAcquire($"bitable-table|{appToken}|{tableId}", [new RateWindow(options.Bitable.TableWritesPerSecond, 1)]) is not null)
            {
                throw BitableErrors.Error(BitableErrors.TooManyRequest, $"more than {options.Bitable.TableWritesPerSecond} writes per second to table {tableId}; try again later");
            }

            var duration = (long)(options.Bitable.WriteDuration.TotalSeconds * Stopwatch.Frequency);
            _bases[appToken] = (busy.InFlight + 1, Math.Max(busy.BusyUntil, now + duration));
        }

        return new Slot(this, appToken);
    }

    public void AddFault(BitableFault fault)
    {
        lock (_gate)
        {
            _faults.Add(fault);
        }
    }

    public IReadOnlyList<BitableFault> Faults()
    {
        lock (_gate)
        {
            return [.. _faults];
        }
    }

    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    private static ApiErrorException Conflict(string appToken, string detail) =>
        BitableErrors.Error(BitableErrors.WriteConflict, $"base {appToken}: {detail}");

    private BitableFault? TakeFault(string appToken)
    {
        var index = _faults.FindIndex(f => f.AppToken is null || f.AppToken == appToken);
        if (index < 0)
        {
            return null;
        }

        var fault = _faults[index];
        if (fault.Remaining <= 1)
        {
            _faults.RemoveAt(index);
        }
        else
        {
            _faults[index] = fault with { Remaining = fault.Remaining - 1 };
        }

        return fault;
    }

    private void Leave(string appToken)
    {
        lock (_gate)
        {
            var busy = _bases[appToken];
            if (busy.InFlight <= 1 && busy.BusyUntil <= Stopwatch.GetTimestamp())
            {
                _bases.Remove(appToken);
            }
            else
            {
                _bases[appToken] = (busy.InFlight - 1, busy.BusyUntil);
            }
        }
    }

    private sealed class Slot(BitableWriteGate gate, string appToken) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                gate.Leave(appToken);
            }
        }
    }
}
