using Larkway.Emulator.State;

namespace Larkway.Emulator.DingTalk.Cards;

/// <summary>
/// The card instances by outTrackId; kept in the state file when there is one. Each change replaces the instance
/// record under the lock, so readers always see a whole card.
/// </summary>
internal sealed class CardStore(StateRevision revision)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, CardInstance> _cards = new(StringComparer.Ordinal);

    public CardInstance? Find(string outTrackId)
    {
        lock (_gate)
        {
            return _cards.GetValueOrDefault(outTrackId);
        }
    }

    /// <summary>Creates the card, or returns the existing one with that outTrackId (created = false).</summary>
    public (CardInstance Card, bool Created) GetOrAdd(CardInstance card)
    {
        lock (_gate)
        {
            if (_cards.TryGetValue(card.OutTrackId, out var existing))
            {
                return (existing, false);
            }

            _cards[card.OutTrackId] = card;
            revision.Advance();
            return (card, true);
        }
    }

    /// <summary>Applies <paramref name="change"/> to the card atomically; null when there is no such card.</summary>
    public CardInstance? Update(string outTrackId, Func<CardInstance, CardInstance> change)
    {
        lock (_gate)
        {
            if (!_cards.TryGetValue(outTrackId, out var card))
            {
                return null;
            }

            card = change(card);
            _cards[outTrackId] = card;
            revision.Advance();
            return card;
        }
    }

    public IReadOnlyList<CardInstance> Export()
    {
        lock (_gate)
        {
            return [.. _cards.Values];
        }
    }

    public void Restore(IEnumerable<CardInstance> cards)
    {
        lock (_gate)
        {
            foreach (var card in cards)
            {
                _cards[card.OutTrackId] = card;
            }
        }
    }
}
