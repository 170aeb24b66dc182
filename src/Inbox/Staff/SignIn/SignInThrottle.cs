using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace PatientContact.Inbox.Staff.SignIn;

/// <summary>
/// The growing delay after wrong passwords. A few are answered at once; after that each try must wait
/// twice as long as the one before, up to a ceiling. Nothing is ever locked: the right password is
/// checked as soon as the wait is over, so a stranger can slow a sign-in but not stop it.
/// </summary>
public static class SignInDelay
{
    /// <summary>How long to wait after <paramref name="failures"/> wrong tries (zero while they are under <paramref name="free"/>).</summary>
    public static TimeSpan After(int failures, int free, TimeSpan max)
    {
        if (failures < free)
        {
            return TimeSpan.Zero;
        }

        var doublings = Math.Min(failures - free, 30);
        var delay = TimeSpan.FromSeconds(Math.Pow(2, doublings));
        return delay < max ? delay : max;
    }
}

/// <summary>
/// Wrong sign-ins counted in memory for the keys no account record can hold: each client address
/// (IPv6 by /64) and each email that has no account (so its answers follow exactly the schedule a
/// real account's do, and never tell which emails have accounts). Keys are kept as keyed hashes, and
/// the table is bounded in size.
/// </summary>
public sealed class SignInThrottle
{
    private const int MaxEntries = 20_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>The wait still to run for this key; zero when a try is answered now.</summary>
    public TimeSpan WaitFor(string key, DateTimeOffset now) =>
        _entries.TryGetValue(KeyOf(key), out var entry) && entry.NotBefore > now ? entry.NotBefore - now : TimeSpan.Zero;

    /// <summary>Records a wrong try and returns the wait it starts.</summary>
    public TimeSpan RecordFailure(string key, DateTimeOffset now, int free, TimeSpan max, TimeSpan window)
    {
        if (_entries.Count >= MaxEntries)
        {
            Prune(now, window);
        }

        var entry = _entries.AddOrUpdate(
            KeyOf(key),
            _ => Next(null),
            (_, previous) => Next(previous));
        return entry.NotBefore > now ? entry.NotBefore - now : TimeSpan.Zero;

        Entry Next(Entry? previous)
        {
            var (count, first) = previous is { } p && p.WindowStart > now - window ? (p.Failures + 1, p.WindowStart) : (1, now);
            return new Entry(count, first, now + SignInDelay.After(count, free, max));
        }
    }

    private void Prune(DateTimeOffset now, TimeSpan window)
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.NotBefore <= now && entry.WindowStart <= now - window)
            {
                _entries.TryRemove(key, out _);
            }
        }

        if (_entries.Count >= MaxEntries)
        {
            // Still full of fresh entries: forget them rather than grow without bound.
            _entries.Clear();
        }
    }

    private string KeyOf(string key) => Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(key)));

    private sealed record Entry(int Failures, DateTimeOffset WindowStart, DateTimeOffset NotBefore);
}
