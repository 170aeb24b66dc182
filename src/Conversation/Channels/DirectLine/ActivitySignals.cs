using System.Threading.Channels;
using PatientContact.Inbox.Storage;

namespace PatientContact.Conversation.Channels.DirectLine;

/// <summary>
/// Hands each batch this process stores for a conversation straight to that conversation's WebSocket
/// streams on this host, so it is pushed at once without reading the store again. Streams still re-read
/// the store now and then (<see cref="DirectLineStream.RecheckEvery"/>), which catches batches stored by
/// another host, and whenever what was handed to them does not follow on from what they sent.
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

    /// <summary>Hands a batch just stored (or found stored, for a retried post) to every stream of its conversation.</summary>
    public void Notify(ActivityBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Subscription[] targets;
        lock (_subscribers)
        {
            if (!_subscribers.TryGetValue(batch.ConversationId, out var list))
            {
                return;
            }

            targets = [.. list];
        }

        foreach (var target in targets)
        {
            target.Hand(batch);
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

    /// <summary>
    /// One stream's interest in one conversation: the batches handed to it since it last took them, and a
    /// wake-up. Signals arriving while nobody waits are kept as one.
    /// </summary>
    public sealed class Subscription : IDisposable
    {
        /// <summary>Batches held for a stream that has not taken them; beyond this it reads the store instead.</summary>
        public const int MaxHeld = 16;

        private readonly ActivitySignals _owner;
        private readonly Channel<bool> _pending = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        private readonly Lock _gate = new();
        private List<ActivityBatch> _handed = [];
        private bool _overflowed;

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
            if (_pending.Reader.TryRead(out _))
            {
                return true;
            }

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

        /// <summary>
        /// The batches handed since the last call that follow on from <paramref name="watermark"/>, in order;
        /// null when the store must be read instead (too many were held, or one is missing: stored by another
        /// host, or handed before this stream's first read). Empty when nothing new was handed.
        /// </summary>
        public IReadOnlyList<ActivityBatch>? TakeAfter(long watermark)
        {
            List<ActivityBatch> handed;
            lock (_gate)
            {
                if (_overflowed)
                {
                    _overflowed = false;
                    _handed = [];
                    return null;
                }

                (handed, _handed) = (_handed, []);
            }

            // A retried post hands its earlier batch again: each sequence counts once.
            handed = [.. handed.Where(b => b.Sequence > watermark).DistinctBy(b => b.Sequence).OrderBy(b => b.Sequence)];
            for (var i = 0; i < handed.Count; i++)
            {
                if (handed[i].Sequence != watermark + 1 + i)
                {
                    return null;
                }
            }

            return handed;
        }

        internal void Hand(ActivityBatch batch)
        {
            lock (_gate)
            {
                if (_handed.Count >= MaxHeld)
                {
                    _overflowed = true;
                    _handed = [];
                }
                else if (!_overflowed)
                {
                    _handed.Add(batch);
                }
            }

            _pending.Writer.TryWrite(true);
        }

        public void Dispose() => _owner.Remove(this);
    }
}
