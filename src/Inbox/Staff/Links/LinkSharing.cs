using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using PatientContact.Inbox.Links;
using PatientContact.Inbox.Matching;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff;
using PatientContact.Inbox.Staff.Requests;
using PatientContact.Inbox.Staff.SignIn;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.Inbox.Staff.Links;

/// <summary>What staff typed into "Send the link to a patient", as sent (every field may be missing or wrong).</summary>
public sealed record LinkForm
{
    public string? ServiceId { get; init; }
    public string? Kind { get; init; }
    public string? Mobile { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? NhsNumber { get; init; }
    public string? BirthDay { get; init; }
    public string? BirthMonth { get; init; }
    public string? BirthYear { get; init; }
    public string? Pathway { get; init; }
    public string? Months { get; init; }
    /// <summary>A random id put in the form when it was shown: the same form sent twice sends one text.</summary>
    public string? SendId { get; init; }
}

/// <summary>The outcome of sending a link: the link sent, or the problems (field id and message) and nothing sent.</summary>
public sealed record LinkSendResult(SentLink? Link, IReadOnlyList<KeyValuePair<string, string>> Problems, bool AlreadySent = false);

/// <summary>The outcome of ending a follow-up link early.</summary>
public enum LinkEndOutcome { Ended, NotFound, AlreadyEnded }

/// <summary>
/// "Send the link to a patient": texts a service's general link, or a personal follow-up (PIFU) link with an end
/// date, through the one outbound sender; lists what was sent; ends a follow-up link early. Every send and end is
/// audited. A staff member can only send, see and end links of the services they work for.
/// </summary>
public sealed partial class LinkSharing(
    ISentLinkStore links,
    IOutboundSender sender,
    IOptOutStore optOuts,
    IRuleBookProvider rules,
    StaffAudit audit,
    TimeProvider time,
    ILogger<LinkSharing> logger)
{
    public const string General = "general";
    public const string FollowUp = "follow-up";

    /// <summary>How long a follow-up link can be made to work for, in months.</summary>
    public static IReadOnlyList<int> MonthChoices { get; } = [1, 3, 6, 12];
    public const int DefaultMonths = 6;
    public const int MaxPathwayLength = 60;
    public const int MaxNameLength = 35;

    public const string StandardLinkMessage = "{service}: you can send us a request online when it is not urgent: {link} In an emergency, call 999.";
    public const string StandardFollowUpLinkMessage =
        "{service}: this is your personal link to contact us about your follow-up care until {ends}. Please do not share it. {link} In an emergency, call 999.";

    /// <summary>The most links a list shows.</summary>
    public const int ListLimit = 200;

    /// <summary>The links sent for the services this person works for, newest first; the view is audited.</summary>
    public async Task<IReadOnlyList<SentLink>> ListAsync(StaffMember staff, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(staff);
        var sent = await links.ListForServicesAsync(staff.ServiceIds, ListLimit, cancellationToken);
        await audit.WriteAsync(staff.Email, AuditActions.LinksListed, detail: $"{sent.Count} link(s)", cancellationToken: cancellationToken);
        return sent;
    }

    /// <summary>Checks the form, stores the link, and queues the text; nothing is stored or sent when the form has a problem.</summary>
    /// <param name="publicBaseUrl">The service's public address the link goes under.</param>
    public async Task<LinkSendResult> SendAsync(StaffMember staff, LinkForm form, string publicBaseUrl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(staff);
        ArgumentNullException.ThrowIfNull(form);
        var problems = new List<KeyValuePair<string, string>>();
        void Problem(string field, string message) => problems.Add(new(field, message));

        var serviceId = form.ServiceId?.Trim() is { Length: > 0 } chosen ? chosen : staff.ServiceIds.Count == 1 ? staff.ServiceIds[0] : null;
        var service = serviceId is not null && staff.WorksFor(serviceId) ? rules.Current.FindService(serviceId) : null;
        if (service is null)
        {
            Problem("service", "Choose the service the link is for.");
        }
        else if (SenderNumbers.For(service) is null)
        {
            // Refused before anything is stored: a link whose text could never go would look sent.
            Problem("service", "This service has no SMS number to send texts from, so the link cannot be texted. Give the patient the link another way.");
        }

        var kind = form.Kind switch
        {
            General => SentLinkKind.General,
            FollowUp => SentLinkKind.FollowUp,
            _ => (SentLinkKind?)null,
        };
        if (kind is null)
        {
            Problem("kind", "Choose which link to send.");
        }

        var followUp = kind == SentLinkKind.FollowUp;
        var phone = UkPhoneNumbers.ToE164(form.Mobile);
        if (string.IsNullOrWhiteSpace(form.Mobile))
        {
            Problem("mobile", "Enter the patient's mobile number.");
        }
        else if (phone is null || !UkPhoneNumbers.IsMobile(phone))
        {
            Problem("mobile", "Enter a UK mobile number, like 07700 900123.");
        }

        var firstName = Name(form.FirstName, "first-name", "first name", required: followUp, Problem);
        var lastName = Name(form.LastName, "last-name", "last name", required: followUp, Problem);

        string? nhsNumber = null;
        if (!string.IsNullOrWhiteSpace(form.NhsNumber))
        {
            if (NhsNumber.TryNormalize(form.NhsNumber, out var valid))
            {
                nhsNumber = valid;
            }
            else
            {
                Problem("nhs-number", "Enter a valid 10-digit NHS number, or leave it blank.");
            }
        }

        DateOnly? born = null;
        string? pathway = null;
        var months = DefaultMonths;
        if (followUp)
        {
            born = DateOfBirth(form, Problem);
            pathway = form.Pathway?.Trim();
            if (string.IsNullOrEmpty(pathway))
            {
                Problem("pathway", "Enter the follow-up pathway, for example Rheumatology.");
            }
            else if (pathway.Length > MaxPathwayLength || pathway.Any(char.IsControl))
            {
                Problem("pathway", $"The pathway must be {MaxPathwayLength} characters or fewer, on one line.");
            }

            if (!int.TryParse(form.Months, NumberStyles.None, CultureInfo.InvariantCulture, out months) || !MonthChoices.Contains(months))
            {
                Problem("months", "Choose how long the link works for.");
            }
        }

        if (problems.Count > 0)
        {
            return new LinkSendResult(null, problems);
        }

        if (await optOuts.IsOptedOutAsync(phone!, cancellationToken))
        {
            return new LinkSendResult(null, [new("mobile", "This number has asked for no more texts (it sent STOP). Phone the patient instead.")]);
        }

        var now = time.GetUtcNow();
        var (token, hash) = followUp ? LinkTokens.New() : (null, null);
        var link = new SentLink
        {
            Id = SendIdPattern().IsMatch(form.SendId ?? string.Empty) ? form.SendId! : Guid.NewGuid().ToString("N"),
            ServiceId = service!.Id,
            Kind = kind!.Value,
            Phone = phone!,
            FirstName = firstName,
            LastName = lastName,
            DateOfBirth = born,
            NhsNumber = nhsNumber,
            Pathway = pathway,
            TokenHash = hash,
            EndsAt = followUp ? EndOfLocalDay(now, months) : null,
            SentAt = now,
            SentBy = staff.Email,
        };
        if (await links.AddAsync(link, cancellationToken) == AddResult.AlreadyExists)
        {
            var earlier = await links.GetAsync(link.Id, cancellationToken);
            if (earlier is not null && earlier.ServiceId == link.ServiceId && earlier.SentBy == link.SentBy)
            {
                // The same form sent twice (a double click, a reload): it went the first time.
                return new LinkSendResult(earlier, [], AlreadySent: true);
            }

            // The form's id is already someone else's link (a hand-made post): this one gets an id of its own.
            link = link with { Id = Guid.NewGuid().ToString("N") };
            if (await links.AddAsync(link, cancellationToken) == AddResult.AlreadyExists)
            {
                throw new InvalidOperationException("A new sent-link id was already taken.");
            }
        }

        // Once the link is stored, the text and the audit line must follow even if the request is abandoned (a
        // double click aborts the first post): a second post finds the link and says it went, and the token
        // to send it again is not kept.
        var address = PatientLinks.Url(publicBaseUrl, service.Id, token);
        var body = Text(service, link, address);
        await sender.QueueAsync(new OutboundText(link.Phone, body, followUp ? TextPurpose.FollowUpLink : TextPurpose.Link, $"link:{link.Id}", From: SenderNumbers.For(service)), CancellationToken.None);
        await audit.WriteAsync(staff.Email, AuditActions.LinkSent, service.Id, detail: Describe(link), cancellationToken: CancellationToken.None);
        LogSent(logger, service.Id, link.Kind);
        return new LinkSendResult(link, []);
    }

    /// <summary>Ends a follow-up link now, so it can no longer start or send a request.</summary>
    public async Task<LinkEndOutcome> EndAsync(StaffMember staff, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(staff);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var link = string.IsNullOrWhiteSpace(id) || id.Length > 64 ? null : await links.GetAsync(id, cancellationToken);
            if (link is null || !staff.WorksFor(link.ServiceId) || link.Kind != SentLinkKind.FollowUp)
            {
                return LinkEndOutcome.NotFound;
            }

            var now = time.GetUtcNow();
            if (!link.IsOpenAt(now))
            {
                return LinkEndOutcome.AlreadyEnded;
            }

            if (await links.TryUpdateAsync(link with { EndedEarlyAt = now, EndedEarlyBy = staff.Email, Version = link.Version + 1 }, cancellationToken))
            {
                await audit.WriteAsync(staff.Email, AuditActions.LinkEnded, link.ServiceId, detail: Describe(link), cancellationToken: cancellationToken);
                return LinkEndOutcome.Ended;
            }
        }

        return LinkEndOutcome.AlreadyEnded;
    }

    /// <summary>The text that goes with a link, in the service's wording or the standard one.</summary>
    public static string Text(ServiceDefinition service, SentLink link, string address)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(link);
        var template = link.Kind == SentLinkKind.FollowUp
            ? service.FollowUpLinkMessage ?? StandardFollowUpLinkMessage
            : service.LinkMessage ?? StandardLinkMessage;
        // A typographic quote or dash (wording pasted from a word processor) would make the whole text UCS-2,
        // doubling its segments; their ASCII forms keep it GSM-7, as the SMS channel's replies are.
        return SmsText.WithAsciiPunctuation(template
            .Replace("{service}", service.Name, StringComparison.Ordinal)
            .Replace("{ends}", LastDay(link) ?? string.Empty, StringComparison.Ordinal)
            .Replace("{link}", address, StringComparison.Ordinal));
    }

    /// <summary>A date as staff and patients read it: "26 May 2027" (Europe/London).</summary>
    public static string Day(DateTimeOffset instant) =>
        LondonTime.InLondon(instant).ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>The last day a follow-up link works ("26 May 2027"); null for a general link.</summary>
    public static string? LastDay(SentLink link) =>
        link?.EndsAt is { } ends ? Day(ends - TimeSpan.FromSeconds(1)) : null;

    /// <summary>A follow-up link works to the end of the day (Europe/London) <paramref name="months"/> months on.</summary>
    private static DateTimeOffset EndOfLocalDay(DateTimeOffset now, int months)
    {
        return LondonTime.ToInstant(LondonTime.ToLocal(now).Date.AddMonths(months).AddDays(1));
    }

    /// <summary>What the audit trail says about a link: never the number, the name or the token.</summary>
    private static string Describe(SentLink link) => link.Kind == SentLinkKind.FollowUp
        ? $"follow-up link {link.Id} ({link.Pathway}, last day {LastDay(link)})"
        : $"general link {link.Id}";

    private static string? Name(string? value, string field, string label, bool required, Action<string, string> problem)
    {
        var name = value?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            if (required)
            {
                problem(field, $"Enter the patient's {label}.");
            }

            return null;
        }

        if (name.Length > MaxNameLength || !NamePattern().IsMatch(name))
        {
            problem(field, $"The {label} can have letters, spaces, hyphens and apostrophes, up to {MaxNameLength} characters.");
            return null;
        }

        return name;
    }

    private DateOnly? DateOfBirth(LinkForm form, Action<string, string> problem)
    {
        if (string.IsNullOrWhiteSpace(form.BirthDay) && string.IsNullOrWhiteSpace(form.BirthMonth) && string.IsNullOrWhiteSpace(form.BirthYear))
        {
            problem("dob-day", "Enter the patient's date of birth. They confirm it before the link shows anything.");
            return null;
        }

        if (!int.TryParse(form.BirthDay?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var day)
            || !int.TryParse(form.BirthMonth?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            || !int.TryParse(form.BirthYear?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || year is < 1000 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            problem("dob-day", "Date of birth must be a real date, like 21 3 1980.");
            return null;
        }

        var born = new DateOnly(year, month, day);
        var today = LondonTime.Today(time.GetUtcNow());
        if (born > today || born < today.AddYears(-130))
        {
            problem("dob-day", "Date of birth must be in the past, and not more than 130 years ago.");
            return null;
        }

        return born;
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex SendIdPattern();

    [GeneratedRegex(@"^\p{L}[\p{L}\p{M} '\-’]*$")]
    private static partial Regex NamePattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "A {Kind} link for service {ServiceId} was texted by staff")]
    private static partial void LogSentCore(ILogger logger, SentLinkKind kind, string serviceId);

    private static void LogSent(ILogger logger, string serviceId, SentLinkKind kind) => LogSentCore(logger, kind, serviceId);
}
