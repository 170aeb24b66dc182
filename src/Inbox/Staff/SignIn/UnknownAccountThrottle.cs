using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace PatientContact.Inbox.Staff.SignIn;

/// <summary>
/// Counts wrong sign-ins for emails no account has, so that after the same number of tries they get
/// the same "locked" answer a real account would: the answers never tell which emails have accounts.
/// Kept in memory (per process), keyed by a keyed hash of the email, and bounded in size.
/// </summary>
public sealed class UnknownAccountThrottle
{
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>Whether this email is locked now.</summary>
    public bool IsLocked(string email, DateTimeOffset now) =>
        _entries.TryGetValue(KeyOf(email), out var entry) && entry.LockedUntil > now;

    /// <summary>Records a wrong try; true when this try locks the email.</summary>
    public bool RecordFailure(string email, DateTimeOffset now, StaffOptions options)
    {
        if (_entries.Count >= MaxEntries)
        {
            Prune(now, options);
        }

        var locked = false;
        _entries.AddOrUpdate(
            KeyOf(email),
            _ => Next(null),
            (_, previous) => Next(previous));
        return locked;

        Entry Next(Entry? previous)
        {
            var (count, first) = previous is { } p && p.FirstFailureAt > now - options.FailedSignInWindow && p.LockedUntil <= now
                ? (p.Failures + 1, p.FirstFailureAt)
                : (1, now);
            if (count >= options.MaxFailedSignIns)
            {
                locked = true;
                return new Entry(0, now, now + options.LockoutDuration);
            }

            return new Entry(count, first, previous?.LockedUntil > now ? previous.LockedUntil : DateTimeOffset.MinValue);
        }
    }

    private void Prune(DateTimeOffset now, StaffOptions options)
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.LockedUntil <= now && entry.FirstFailureAt <= now - options.FailedSignInWindow)
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

    private string KeyOf(string email) =>
        Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(StaffEmail.Normalize(email))));

    private sealed record Entry(int Failures, DateTimeOffset FirstFailureAt, DateTimeOffset LockedUntil);
}
