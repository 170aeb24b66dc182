using System.Threading.Channels;

namespace PatientContact.Conversation.Channels.DirectLine;

/// <summary>
/// Wakes the WebSocket streams of a conversation when this process stores a new batch for it, so
/// the batch is pushed at once. Streams also re-read the store now and then, which catches
/// batches stored by another host.
/// </summary>
public sealed class ActivitySignals
{
    private readonly Dictionary<string, List<Subscription>> _subscribers = new(StringComparer.Ordinal);

    /// <summary>Starts listening for one conversation; dispose to stop.</summary>
    public Subscription Subscribe(string conversationId)
    {
        var subscription = new Subscription(this, conversationId);
        lock (_subscribers)
        {
            if (!_subscribers.TryGetValue(conversationId, out var list))
            {
                _subscribers[conversationId] = list = [];
            }

            list.Add(subscription);
        }

        return subscription;
    }

    /// <summary>Tells every stream of the conversation that something new is stored.</summary>
    public void Notify(string conversationId)
    {
        Subscription[] targets;
        lock (_subscribers)
        {
            if (!_subscribers.TryGetValue(conversationId, out var list))
            {
                return;
            }

            targets = [.. list];
        }

        foreach (var target in targets)
        {
            target.Signal();
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_subscribers)
        {
            if (_subscribers.TryGetValue(subscription.ConversationId, out var list) && list.Remove(subscription) && list.Count == 0)
            {
                _subscribers.Remove(subscription.ConversationId);
            }
        }
    }

    /// <summary>One stream's interest in one conversation. Signals arriving while nobody waits are kept as one.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly ActivitySignals _owner;
        private readonly Channel<bool> _pending = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

        internal Subscription(ActivitySignals owner, string conversationId)
        {
            _owner = owner;
            ConversationId = conversationId;
        }

        public string ConversationId { get; }

        /// <summary>
        /// Waits for a signal (returning at once if one is waiting) or until <paramref name="timeout"/>
        /// passes; true when signalled.
        /// </summary>
        public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
        {
            using var timer = new CancellationTokenSource(timeout, time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            try
            {
                // A cancelled read leaves no waiter behind, so no later signal is lost to it.
                await _pending.Reader.ReadAsync(either.Token);
                return true;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }

        internal void Signal() => _pending.Writer.TryWrite(true);

        public void Dispose() => _owner.Remove(this);
    }
}
