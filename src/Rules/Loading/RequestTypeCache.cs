using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace PatientContact.Rules.Loading;

/// <summary>
/// Request-type lists already worked out, per (service, channel), for rule files whose expressions read nothing
/// but the service and the channel: the same inputs always give the same list, so it is worked out once per
/// rule book (a changed file makes a new book, and a new cache with it). When any expression could read the
/// time, the date, the opening hours or anything else that changes (see <see cref="ReadsOnlyServiceAndChannel"/>),
/// nothing is cached and every call runs the rules, as before.
/// </summary>
internal sealed partial class RequestTypeCache
{
    /// <summary>More keys than services times channels means a caller passes channels of its own: stop adding.</summary>
    private const int MaxEntries = 1024;

    private readonly ConcurrentDictionary<(string ServiceId, string Channel), RequestTypeOption[]> _lists = new();

    private RequestTypeCache()
    {
    }

    /// <summary>A cache when the file's text allows one; null when every call must run the rules.</summary>
    public static RequestTypeCache? For(string fileText) => ReadsOnlyServiceAndChannel(fileText) ? new RequestTypeCache() : null;

    /// <summary>
    /// True when nothing in the file names an input other than <c>input.ServiceId</c>, <c>input.ServiceType</c>
    /// and <c>input.Channel</c>, nor a clock, a random source or the environment. Read from the whole text,
    /// labels included and in any case, so a word that only looks like one turns the cache off: never the other way round.
    /// </summary>
    public static bool ReadsOnlyServiceAndChannel(string fileText)
    {
        ArgumentNullException.ThrowIfNull(fileText);
        return !Varying().IsMatch(fileText);
    }

    public bool TryGet(string serviceId, string channel, out IReadOnlyList<RequestTypeOption> list)
    {
        var found = _lists.TryGetValue((serviceId, channel), out var cached);
        list = cached ?? [];
        return found;
    }

    public void Add(string serviceId, string channel, IReadOnlyList<RequestTypeOption> list)
    {
        if (_lists.Count < MaxEntries)
        {
            _lists.TryAdd((serviceId, channel), [.. list]);
        }
    }

    [GeneratedRegex(@"\b(LocalDay|LocalTime|LocalDate|IsWeekend|IsOpen|DateTime|DateTimeOffset|DateOnly|TimeOnly|TimeProvider|Now|UtcNow|Today|Random|Guid|Environment)\b|\binput\b(?!\s*\.\s*(ServiceId|ServiceType|Channel)\b)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Varying();
}
