using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;

namespace PatientContact.EndToEnd.Tests.Triage;

/// <summary>
/// A service on a stopped clock (Wednesday 25 November 2026, 12:00 UK time) with requests and counts whose
/// figures the triage and report tests know. UK time is UTC in November.
/// </summary>
/// <remarks>
/// Riverside, the last 28 days:
/// TRGE-0001 09:00 today, web chat, medical, no flag, unmatched (none), nobody assigned, not acted on (waits 180 min), born 15/06/1990 (36).
/// TRGE-0002 10:00 today, SMS, medical, urgent flag, unmatched (none), assigned to staff, first acted on 30 min after.
/// TRGE-0003 11:00 today, web chat, medical, emergency flag (chest pain), unmatched (phone not verified), nobody assigned, never opened, born 22/10/2010 (16).
/// TRGE-0004 10:00 yesterday, web chat, medical, emergency flag, matched, assigned to a colleague, opened, acted on after 10 min.
/// TRGE-0005 11:30 today, web chat, medical, no flag, unmatched (none), assigned to staff, acted on after 5 min.
/// TRGE-0006..0008 14:00, 14:20, 14:40 on Tuesday 10 November, SMS, admin, matched, acted on after 60, 120 and 240 min.
/// TRGE-0009 40 days ago (outside the period). TRGE-0006 to 0009 are done, the rest new. Northside: TRGE-0010, an emergency nobody opened.
/// Counters: emergency advice 2 today and 1 on 10 November; red-flag stopped 1; advice 1; stopped at otp 3, at details 2.
/// </remarks>
public static class TriageSeed
{
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    public const string Colleague = "gp@riverside-gp.example";

    public static async Task<ServiceHost> StartAsync(FakeTimeProvider? clock = null)
    {
        var host = await ServiceHost.StartAsync(Settings(), time: clock ?? new FakeTimeProvider(Now));
        await AddStaffAsync(host, Colleague, "riverside-gp");
        await SeedAsync(host);
        return host;
    }

    private static async Task SeedAsync(ServiceHost host)
    {
        var store = host.Services.GetRequiredService<IRequestStore>();
        var chestPain = new RedFlagHit("chest-pain", "emergency", "Chest pain can be a sign of a heart attack. Call 999 now.");
        var breathing = new RedFlagHit("struggling-to-breathe", "emergency", "Call 999 now if you are struggling to breathe.");
        var selfHarm = new RedFlagHit("self-harm", "urgent", "Call 111 and choose the mental health option.");
        var noMatch = new MatchResult(MatchStatus.Unmatched, MatchReason.NoMatch, null);
        var matched = new MatchResult(MatchStatus.Matched, null, "9000000009");
        var today = Now.Date;

        ContactRequest[] requests =
        [
            Request(1, Now.AddHours(-3)) with { Match = noMatch, Patient = Patient("Amira", "Begum", new DateOnly(1990, 6, 15)) },
            Request(2, Now.AddHours(-2), Channel.Sms) with { Match = noMatch, RedFlags = [selfHarm], AssignedTo = RiversideStaff, FirstActionAt = Now.AddHours(-2).AddMinutes(30) },
            Request(3, Now.AddHours(-1)) with { Match = new MatchResult(MatchStatus.Unmatched, MatchReason.PhoneNotVerified, null), RedFlags = [chestPain], Patient = Patient("Jane", "Smith", new DateOnly(2010, 10, 22)) },
            Request(4, Now.AddHours(-26)) with { Match = matched, RedFlags = [breathing], AssignedTo = Colleague, FirstActionAt = Now.AddHours(-26).AddMinutes(10), FirstOpened = new FirstOpening(Now.AddHours(-26).AddMinutes(2), Colleague) },
            Request(5, Now.AddMinutes(-30)) with { Match = noMatch, AssignedTo = RiversideStaff, FirstActionAt = Now.AddMinutes(-25) },
            Admin(6, new DateTimeOffset(2026, 11, 10, 14, 0, 0, TimeSpan.Zero), 60),
            Admin(7, new DateTimeOffset(2026, 11, 10, 14, 20, 0, TimeSpan.Zero), 120),
            Admin(8, new DateTimeOffset(2026, 11, 10, 14, 40, 0, TimeSpan.Zero), 240),
            Request(9, Now.AddDays(-40)) with { Match = matched, Status = RequestStatus.Done },
            Request(10, Now.AddHours(-4)) with { ServiceId = "northside-community", Match = noMatch, RedFlags = [chestPain] },
        ];
        foreach (var request in requests)
        {
            (await store.AddAsync(request)).ShouldBe(AddResult.Added);
        }

        var counters = host.Services.GetRequiredService<IUsageCounterStore>();
        var todayDay = DateOnly.FromDateTime(today);
        var tenth = new DateOnly(2026, 11, 10);
        foreach (var (counter, day, times) in new[]
        {
            (UsageCounterNames.EmergencyAdvice, todayDay, 2),
            (UsageCounterNames.EmergencyAdvice, tenth, 1),
            (UsageCounterNames.RedFlagStopped, todayDay, 1),
            (UsageCounterNames.Advice, tenth, 1),
            (UsageCounterNames.StoppedAt("otp"), todayDay, 2),
            (UsageCounterNames.StoppedAt("otp"), tenth, 1),
            (UsageCounterNames.StoppedAt("details"), todayDay, 2),
        })
        {
            for (var i = 0; i < times; i++)
            {
                await counters.IncrementAsync("riverside-gp", counter, day);
            }
        }

        // Another service's counts are never in Riverside's figures.
        await counters.IncrementAsync("northside-community", UsageCounterNames.EmergencyAdvice, todayDay);
        await counters.IncrementAsync("northside-community", UsageCounterNames.StoppedAt("otp"), todayDay);
    }

    public static string Ref(int n) => $"TRGE-{n:D4}";

    private static ContactRequest Admin(int n, DateTimeOffset at, int actedAfterMinutes) => Request(n, at, Channel.Sms) with
    {
        RequestTypeId = "admin-request",
        RequestType = "Admin request",
        Match = new MatchResult(MatchStatus.Matched, null, "9000000009"),
        FirstActionAt = at.AddMinutes(actedAfterMinutes),
        Status = RequestStatus.Done,
    };

    private static PatientDetails Patient(string first, string last, DateOnly born) => new(first, last, born, Gender.Female, "LS1 6AE");

    private static ContactRequest Request(int n, DateTimeOffset at, Channel channel = Channel.WebChat) => new()
    {
        ReferenceId = Ref(n),
        ServiceId = "riverside-gp",
        RequestTypeId = "medical-request",
        RequestType = "Medical request",
        Details = $"Seeded request {n}",
        CreatedAt = at,
        UpdatedAt = at,
        Patient = Patient("Omar", "Khan", new DateOnly(1975, 1, 1)),
        SubmittedBy = new Submitter(SubmitterKind.Self, null, null),
        Contact = new ContactDetails(JanesMobile, true, ContactPreference.Text),
        Channel = channel,
        ConversationKey = $"triage:{n}",
    };
}
