namespace PatientContact.Conversation.Channels.DirectLine;

/// <summary>
/// Counts this host's open WebSocket streams per conversation: each re-reads the store every few
/// seconds, so one token may hold at most <see cref="MaxPerConversation"/> (a page and a reconnect
/// whose old socket has not yet been noticed as gone). A dead socket is closed by the keep-alive
/// timeout, which frees its place.
/// </summary>
public sealed class StreamRegistry
{
    public const int MaxPerConversation = 2;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>Takes a place for a stream of the conversation; null when it already has its most. Dispose the place when the stream ends.</summary>
    public IDisposable? TryOpen(string conversationId)
    {
        lock (_gate)
        {
            _open.TryGetValue(conversationId, out var count);
            if (count >= MaxPerConversation)
            {
                return null;
            }

            _open[conversationId] = count + 1;
        }

        return new Place(this, conversationId);
    }

    /// <summary>Streams open for the conversation on this host.</summary>
    public int OpenCount(string conversationId)
    {
        lock (_gate)
        {
            return _open.GetValueOrDefault(conversationId);
        }
    }

    private void Close(string conversationId)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(conversationId, out var count) && count > 1)
            {
                _open[conversationId] = count - 1;
            }
            else
            {
                _open.Remove(conversationId);
            }
        }
    }

    private sealed class Place(StreamRegistry registry, string conversationId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                registry.Close(conversationId);
            }
        }
    }
}
