using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Staff.SignIn;

/// <summary>
/// Wrong sign-ins counted in the store for the keys no account record can hold: each client address
/// (IPv6 by /64) and each email that has no account (so its answers follow exactly the schedule a
/// real account's do, and never tell which emails have accounts). Every host reads and writes the same
/// records (<see cref="IRateCounterStore.RecordFailureAsync"/>), so a second host does not give a
/// guesser a second budget. Keys are stored as keyed hashes (<see cref="ILimitKeys"/>), never the
/// email or address, and each record is forgotten once its wait and window have passed.
/// </summary>
public sealed class SignInThrottle(IRateCounterStore store, ILimitKeys keys)
{
    /// <summary>The wait still to run for this key; zero when a try is answered now.</summary>
    public async Task<TimeSpan> WaitForAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var backoff = await store.GetBackoffAsync(KeyOf(key), cancellationToken).ConfigureAwait(false);
        return backoff is { } b && b.NotBefore > now ? b.NotBefore - now : TimeSpan.Zero;
    }

    /// <summary>Records a wrong try and returns the wait it starts.</summary>
    public async Task<TimeSpan> RecordFailureAsync(string key, DateTimeOffset now, BackoffSchedule schedule, CancellationToken cancellationToken = default)
    {
        var backoff = await store.RecordFailureAsync(KeyOf(key), now, schedule, cancellationToken).ConfigureAwait(false);
        return backoff.NotBefore > now ? backoff.NotBefore - now : TimeSpan.Zero;
    }

    private string KeyOf(string key) => "sign-in:" + keys.KeyFor("sign-in", key);
}
