using System.Globalization;
using Microsoft.AspNetCore.Http;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Staff.Requests;

/// <summary>
/// The administrator's audit search: <c>referenceId</c>, <c>actor</c> (an email), <c>service</c>, <c>from</c> and
/// <c>to</c> (dates, yyyy-MM-dd, both included). Without dates, the last 7 days.
/// </summary>
public static class AuditFilter
{
    public const int Limit = 500;
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(7);

    public static (AuditQuery Query, IReadOnlyDictionary<string, string[]> Problems) Parse(IQueryCollection values, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(values);
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var query = new AuditQuery { Limit = Limit };

        if (Value(values, "referenceId") is { } referenceId)
        {
            if (InboxText.ReferenceId(referenceId) is { } normalized)
            {
                query = query with { ReferenceId = normalized };
            }
            else
            {
                problems["referenceId"] = ["Enter a reference ID like ABCD-2345."];
            }
        }

        if (Value(values, "actor") is { } actor)
        {
            query = query with { Actor = actor.Length <= StaffEmail.MaxLength && actor.Contains('@', StringComparison.Ordinal) ? StaffEmail.Normalize(actor) : actor };
        }

        if (Value(values, "service") is { } service)
        {
            query = query with { ServiceId = service };
        }

        DateOnly? from = null, to = null;
        if (Value(values, "from") is { } fromText)
        {
            if (DateOnly.TryParseExact(fromText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                from = parsed;
            }
            else
            {
                problems["from"] = ["Enter the from date as yyyy-mm-dd, like 2026-11-26."];
            }
        }

        if (Value(values, "to") is { } toText)
        {
            if (DateOnly.TryParseExact(toText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                to = parsed;
            }
            else
            {
                problems["to"] = ["Enter the to date as yyyy-mm-dd, like 2026-11-26."];
            }
        }

        if (from is { } f && to is { } t && t < f)
        {
            problems["to"] = ["The to date must be the same as or after the from date."];
        }

        // Whole UTC days: an administrator reads the trail by date, and the times shown say the zone.
        query = query with
        {
            From = from is { } start ? new DateTimeOffset(start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : (to is null ? now - DefaultWindow : null),
            To = to is { } end ? new DateTimeOffset(end.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
        };
        return (query, problems);
    }

    public static string Describe(AuditQuery query)
    {
        var parts = new List<string>();
        if (query.ReferenceId is not null)
        {
            parts.Add($"referenceId={query.ReferenceId}");
        }

        if (query.Actor is not null)
        {
            parts.Add($"actor={query.Actor}");
        }

        if (query.ServiceId is not null)
        {
            parts.Add($"service={query.ServiceId}");
        }

        if (query.From is { } from)
        {
            parts.Add($"from={InboxText.IsoTime(from)}");
        }

        if (query.To is { } to)
        {
            parts.Add($"to={InboxText.IsoTime(to)}");
        }

        return string.Join(", ", parts);
    }

    private static string? Value(IQueryCollection values, string name)
    {
        var value = values[name].ToString().Trim();
        return value.Length == 0 ? null : value;
    }
}
