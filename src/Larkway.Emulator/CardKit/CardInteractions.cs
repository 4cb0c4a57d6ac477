namespace Larkway.Emulator.CardKit;

/// <summary>
/// The card interactions in flight: from the moment a user's click is sent to the app's callback until its answer is
/// applied. While one is in flight on a message showing a streaming card entity, updates to that card are refused
/// with 200810 (the card callback flow marks them, <see cref="CardKitStore"/> checks them).
/// </summary>
internal sealed class CardInteractions
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);

    /// <summary>Marks an interaction on <paramref name="messageId"/> until the returned handle is disposed.</summary>
    public IDisposable Begin(string messageId)
    {
        lock (_gate)
        {
            _inFlight[messageId] = _inFlight.GetValueOrDefault(messageId) + 1;
        }

        return new Handle(this, messageId);
    }

    public bool InFlight(string messageId)
    {
        lock (_gate)
        {
            return _inFlight.ContainsKey(messageId);
        }
    }

    private void End(string messageId)
    {
        lock (_gate)
        {
            if (_inFlight.TryGetValue(messageId, out var count))
            {
                if (count <= 1)
                {
                    _inFlight.Remove(messageId);
                }
                else
                {
                    _inFlight[messageId] = count - 1;
                }
            }
        }
    }

    private sealed class Handle(CardInteractions owner, string messageId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.End(messageId);
            }
        }
    }
}
