using Microsoft.AspNetCore.Http;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff.SignIn;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Staff.Requests;

/// <summary>
/// The list's filters as query parameters, shared by the page and the API:
/// <c>status</c> (new, in-progress, done), <c>matched</c> (matched, unmatched), <c>requestType</c> (a request type id),
/// <c>redFlag</c> (yes, no), <c>channel</c> (webchat, sms, form, staff), <c>q</c> (a reference ID or part of a name), <c>service</c>, <c>queue</c> (unassigned, mine),
/// <c>sort</c> (newest, urgency, waiting), <c>page</c>, <c>pageSize</c>.
/// </summary>
public sealed record InboxFilter
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;
    public const int MaxSearchLength = 100;

    public RequestStatus? Status { get; init; }
    public bool? Matched { get; init; }
    public string? RequestTypeId { get; init; }
    public bool? RedFlagged { get; init; }
    public Channel? Channel { get; init; }
    public string? Search { get; init; }
    public string? ServiceId { get; init; }
    public InboxQueue Queue { get; init; } = InboxQueue.All;
    public RequestSort Sort { get; init; } = RequestSort.Newest;
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = DefaultPageSize;

    /// <summary>Reads the filters; each value that cannot be read gives a problem naming the parameter.</summary>
    public static (InboxFilter Filter, IReadOnlyDictionary<string, string[]> Problems) Parse(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var filter = new InboxFilter();

        if (Value(query, "status") is { } status)
        {
            if (InboxText.TryParseStatus(status, out var parsed))
            {
                filter = filter with { Status = parsed };
            }
            else
            {
                problems["status"] = ["status must be new, in-progress or done."];
            }
        }

        if (Value(query, "matched") is { } matched)
        {
            bool? parsed = matched.ToLowerInvariant() switch
            {
                "matched" or "true" or "yes" => true,
                "unmatched" or "false" or "no" => false,
                _ => null,
            };
            if (parsed is null)
            {
                problems["matched"] = ["matched must be matched or unmatched."];
            }

            filter = filter with { Matched = parsed };
        }

        if (Value(query, "requestType") is { } requestType)
        {
            if (requestType.Length > 100)
            {
                problems["requestType"] = ["requestType is too long."];
            }
            else
            {
                filter = filter with { RequestTypeId = requestType };
            }
        }

        if (Value(query, "redFlag") is { } redFlag)
        {
            bool? parsed = redFlag.ToLowerInvariant() switch
            {
                "yes" or "true" => true,
                "no" or "false" => false,
                _ => null,
            };
            if (parsed is null)
            {
                problems["redFlag"] = ["redFlag must be yes or no."];
            }

            filter = filter with { RedFlagged = parsed };
        }

        if (Value(query, "channel") is { } channel)
        {
            if (InboxText.TryParseChannel(channel, out var parsed))
            {
                filter = filter with { Channel = parsed };
            }
            else
            {
                problems["channel"] = ["channel must be webchat, sms, form or staff."];
            }
        }

        if (Value(query, "q") is { } search)
        {
            if (search.Length > MaxSearchLength)
            {
                problems["q"] = [$"q must be {MaxSearchLength} characters or fewer."];
            }
            else
            {
                filter = filter with { Search = search };
            }
        }

        if (Value(query, "service") is { } service)
        {
            filter = filter with { ServiceId = service };
        }

        if (Value(query, "queue") is { } queue)
        {
            InboxQueue? parsed = queue.ToLowerInvariant() switch
            {
                "all" => InboxQueue.All,
                "unassigned" => InboxQueue.Unassigned,
                "mine" => InboxQueue.Mine,
                _ => null,
            };
            if (parsed is { } known)
            {
                filter = filter with { Queue = known };
            }
            else
            {
                problems["queue"] = ["queue must be unassigned or mine."];
            }
        }

        if (Value(query, "sort") is { } sort)
        {
            RequestSort? parsed = sort.ToLowerInvariant() switch
            {
                "newest" => RequestSort.Newest,
                "urgency" => RequestSort.Urgency,
                "waiting" => RequestSort.Waiting,
                _ => null,
            };
            if (parsed is { } known)
            {
                filter = filter with { Sort = known };
            }
            else
            {
                problems["sort"] = ["sort must be newest, urgency or waiting."];
            }
        }

        if (Value(query, "page") is { } page)
        {
            if (int.TryParse(page, out var number) && number is >= 1 and <= 100_000)
            {
                filter = filter with { Page = number };
            }
            else
            {
                problems["page"] = ["page must be a whole number from 1."];
            }
        }

        if (Value(query, "pageSize") is { } pageSize)
        {
            if (int.TryParse(pageSize, out var size) && size is >= 1 and <= MaxPageSize)
            {
                filter = filter with { PageSize = size };
            }
            else
            {
                problems["pageSize"] = [$"pageSize must be a whole number from 1 to {MaxPageSize}."];
            }
        }

        return (filter, problems);
    }

    /// <summary>The store query for this person: their services only (or the one asked for, if it is theirs).</summary>
    public RequestQuery ToQuery(StaffMember staff, RequestStatus? status = null, bool ignoreStatus = false) => new()
    {
        ServiceIds = ServiceId is null
            ? staff.ServiceIds
            : staff.WorksFor(ServiceId) ? [ServiceId] : [],
        Status = ignoreStatus ? status : Status,
        Matched = Matched,
        RequestTypeId = RequestTypeId,
        RedFlagged = RedFlagged,
        Channel = Channel,
        Search = Search,
        Unassigned = Queue == InboxQueue.Unassigned,
        AssignedTo = Queue == InboxQueue.Mine ? staff.Email : null,
        Sort = Sort,
        Page = Page,
        PageSize = PageSize,
    };

    /// <summary>The URL spelling of a sort.</summary>
    public static string SortQuery(RequestSort sort) => sort switch
    {
        RequestSort.Urgency => "urgency",
        RequestSort.Waiting => "waiting",
        _ => "newest",
    };

    /// <summary>The URL spelling of a queue.</summary>
    public static string QueueQuery(InboxQueue queue) => queue switch
    {
        InboxQueue.Unassigned => "unassigned",
        InboxQueue.Mine => "mine",
        _ => "all",
    };

    /// <summary>The filters for the audit trail: which were used, never the words searched for (they may be a name).</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Status is { } status)
        {
            parts.Add($"status={InboxText.StatusQuery(status)}");
        }

        if (Matched is { } matched)
        {
            parts.Add(matched ? "matched" : "unmatched");
        }

        if (RequestTypeId is not null)
        {
            parts.Add($"requestType={RequestTypeId}");
        }

        if (RedFlagged is { } redFlagged)
        {
            parts.Add($"redFlag={(redFlagged ? "yes" : "no")}");
        }

        if (Channel is { } channel)
        {
            parts.Add($"channel={InboxText.Channel(channel)}");
        }

        if (ServiceId is not null)
        {
            parts.Add($"service={ServiceId}");
        }

        if (Queue != InboxQueue.All)
        {
            parts.Add($"queue={QueueQuery(Queue)}");
        }

        if (Sort != RequestSort.Newest)
        {
            parts.Add($"sort={SortQuery(Sort)}");
        }

        if (!string.IsNullOrWhiteSpace(Search))
        {
            parts.Add("search");
        }

        parts.Add($"page={Page}");
        return string.Join(", ", parts);
    }

    /// <summary>Query string of these filters with another page (or none), for links; a queue or sort given replaces this one's.</summary>
    public string ToQueryString(int? page = null, bool withStatus = true, RequestStatus? status = null, InboxQueue? queue = null, RequestSort? sort = null)
    {
        var pairs = new List<KeyValuePair<string, string?>>();
        var effectiveStatus = withStatus ? Status : status;
        if (effectiveStatus is { } s)
        {
            pairs.Add(new("status", InboxText.StatusQuery(s)));
        }

        if (Matched is { } matched)
        {
            pairs.Add(new("matched", matched ? "matched" : "unmatched"));
        }

        if (RequestTypeId is not null)
        {
            pairs.Add(new("requestType", RequestTypeId));
        }

        if (RedFlagged is { } redFlagged)
        {
            pairs.Add(new("redFlag", redFlagged ? "yes" : "no"));
        }

        if (Channel is { } channel)
        {
            pairs.Add(new("channel", InboxText.Channel(channel)));
        }

        if (!string.IsNullOrWhiteSpace(Search))
        {
            pairs.Add(new("q", Search));
        }

        if (ServiceId is not null)
        {
            pairs.Add(new("service", ServiceId));
        }

        if ((queue ?? Queue) is var q and not InboxQueue.All)
        {
            pairs.Add(new("queue", QueueQuery(q)));
        }

        if ((sort ?? Sort) is var order and not RequestSort.Newest)
        {
            pairs.Add(new("sort", SortQuery(order)));
        }

        if (page is > 1)
        {
            pairs.Add(new("page", page.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (PageSize != DefaultPageSize)
        {
            pairs.Add(new("pageSize", PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return QueryString.Create(pairs).ToUriComponent();
    }

    private static string? Value(IQueryCollection query, string name)
    {
        var value = query[name].ToString().Trim();
        return value.Length == 0 ? null : value;
    }
}

/// <summary>Which requests the list shows by who has them: everyone's, nobody's yet, or the signed-in person's.</summary>
public enum InboxQueue { All, Unassigned, Mine }
