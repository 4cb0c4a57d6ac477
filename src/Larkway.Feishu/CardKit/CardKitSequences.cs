using System.Collections.Concurrent;

namespace Larkway.Feishu.CardKit;

/// <summary>
/// Per-card sequence numbers for CardKit writes, which must strictly increase per card across all CardKit calls
/// (else 300317). Thread-safe. A number is the larger of the card's last one plus one and a clock floor — tenths of a
/// second since 2025-01-01 UTC. A card this client created starts at the floor; since the client keeps each card to at
/// most 10 writes a second, its numbers then stay within about a second's writes (11) of the floor. A card this process
/// has not seen (after a restart, or created by another replica) starts <see cref="UnseenMargin"/> above the floor, so
/// it continues above every number used before — clocks up to 10 s apart — without anything stored. Callers that do
/// store the last number can hand it over with <see cref="Resume"/>.
/// </summary>
/// <remarks>The clock floor stays below int32's maximum until October 2031.</remarks>
public sealed class CardKitSequences
{
    /// <summary>The epoch of the clock floor.</summary>
    public static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How far above the clock floor a card not seen before starts: 10 s of clock difference plus a second's writes.</summary>
    public const int UnseenMargin = 120;

    private const int MaxCards = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _cards = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;

    /// <summary>A sequence allocator on <paramref name="clock"/>.</summary>
    public CardKitSequences(TimeProvider? clock = null) => _clock = clock ?? TimeProvider.System;

    /// <summary>The next sequence for <paramref name="cardId"/>: greater than every one this allocator gave for it.</summary>
    public int Next(string cardId)
    {
        ArgumentException.ThrowIfNullOrEmpty(cardId);
        var floor = Floor();
        var entry = _cards.GetOrAdd(cardId, static (_, f) => new Entry(f + UnseenMargin - 1), floor);
        int next;
        lock (entry)
        {
            next = entry.Last == int.MaxValue
                ? throw new InvalidOperationException($"Card {cardId} has used every sequence number (2147483647); create a new card entity.")
                : Math.Max(entry.Last + 1, floor);
            entry.Last = next;
            entry.Used = _clock.GetUtcNow();
        }

        Trim();
        return next;
    }

    /// <summary>Registers a card this process has just created: its numbers start at the clock floor.</summary>
    public void Created(string cardId)
    {
        ArgumentException.ThrowIfNullOrEmpty(cardId);
        _cards.TryAdd(cardId, new Entry(Floor() - 1));
    }

    /// <summary>The last sequence given for <paramref name="cardId"/>, or null if none was.</summary>
    public int? Last(string cardId)
    {
        if (!_cards.TryGetValue(cardId, out var entry))
        {
            return null;
        }

        lock (entry)
        {
            return entry.Last;
        }
    }

    /// <summary>Continues <paramref name="cardId"/> above <paramref name="lastSequence"/> (a number stored before a restart).</summary>
    public void Resume(string cardId, int lastSequence)
    {
        ArgumentException.ThrowIfNullOrEmpty(cardId);
        ArgumentOutOfRangeException.ThrowIfNegative(lastSequence);
        var entry = _cards.GetOrAdd(cardId, static (_, s) => new Entry(s), lastSequence);
        lock (entry)
        {
            entry.Last = Math.Max(entry.Last, lastSequence);
        }
    }

    private int Floor()
    {
        var tenths = (_clock.GetUtcNow() - Epoch).Ticks / (TimeSpan.TicksPerSecond / 10);
        return (int)Math.Clamp(tenths, 0, int.MaxValue - UnseenMargin);
    }

    // Forgetting a card is safe (it restarts above the clock floor); keep the table bounded by dropping the least used.
    private void Trim()
    {
        if (_cards.Count <= MaxCards)
        {
            return;
        }

        foreach (var stale in _cards.OrderBy(c => c.Value.Used).Take(_cards.Count - (MaxCards * 9 / 10)).Select(c => c.Key).ToList())
        {
            _cards.TryRemove(stale, out _);
        }
    }

    private sealed class Entry(int last)
    {
        public int Last { get; set; } = last;

        public DateTimeOffset Used { get; set; }
    }
}
