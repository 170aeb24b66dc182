using System.Threading.Channels;

namespace PatientContact.Inbox.Matching;

/// <summary>
/// Wakes the matching worker at once instead of at its next poll: call <see cref="Notify"/> after putting
/// a request (back) to "not yet checked", e.g. when staff ask for matching to be run again.
/// </summary>
public sealed class MatchingSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Completes when notified (true) or after <paramref name="timeout"/> (false).</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (_channel.Reader.TryRead(out _))
        {
            return true;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signalled = _channel.Reader.WaitToReadAsync(wait.Token).AsTask();
        var delay = Task.Delay(timeout, time, wait.Token);
        var first = await Task.WhenAny(signalled, delay).ConfigureAwait(false);
        await wait.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return first == signalled && _channel.Reader.TryRead(out _);
    }
}
