using System.Text.Json;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff.Api;

namespace PatientContact.Inbox.Tests.Staff;

public sealed class RequestJsonTests
{
    private static readonly ContactRequest Proxy = new()
    {
        ReferenceId = "ABCD-2345",
        ServiceId = "riverside-gp",
        Status = RequestStatus.InProgress,
        RequestTypeId = "medical-request",
        RequestType = "Medical request",
        Details = "Chest pain since this morning",
        CreatedAt = new DateTimeOffset(2026, 11, 26, 10, 4, 5, TimeSpan.Zero),
        UpdatedAt = new DateTimeOffset(2026, 11, 26, 11, 0, 0, TimeSpan.Zero),
        Patient = new PatientDetails("Jane", "Smith", new DateOnly(2010, 10, 22), Gender.PreferNotToSay, "LS1 6AE"),
        SubmittedBy = new Submitter(SubmitterKind.Proxy, "Sam Smith", Relationship.ParentOrGuardian),
        Contact = new ContactDetails("+447700900123", true, ContactPreference.Phone),
        Match = new MatchResult(MatchStatus.Matched, null, "9000000009"),
        RedFlags = [new RedFlagHit("chest-pain", "urgent", "Call 999")],
        Channel = Channel.Sms,
        ConversationKey = "sms:x",
        AssignedTo = "alice@riverside.example",
        Version = 3,
    };

    /// <summary>Two hours and 25 minutes after the request came in, on the patient's 16th birthday.</summary>
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 29, 30, TimeSpan.Zero);

    [Fact]
    public void Request_reads_in_the_shape_of_the_spec()
    {
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(RequestJson.From(Proxy, Now), InboxJson.Options));
        var root = json.RootElement;

        root.GetProperty("referenceId").GetString().ShouldBe("ABCD-2345");
        root.GetProperty("serviceId").GetString().ShouldBe("riverside-gp");
        root.GetProperty("status").GetString().ShouldBe("in progress");
        root.GetProperty("requestType").GetString().ShouldBe("Medical request");
        root.GetProperty("details").GetString().ShouldBe("Chest pain since this morning");
        root.GetProperty("createdAt").GetString().ShouldBe("2026-11-26T10:04:05Z");
        var patient = root.GetProperty("patient");
        (patient.GetProperty("firstName").GetString(), patient.GetProperty("lastName").GetString(), patient.GetProperty("dateOfBirth").GetString(), patient.GetProperty("gender").GetString(), patient.GetProperty("postcode").GetString())
            .ShouldBe(("Jane", "Smith", "2010-10-22", "prefer not to say", "LS1 6AE"));
        var submittedBy = root.GetProperty("submittedBy");
        (submittedBy.GetProperty("kind").GetString(), submittedBy.GetProperty("name").GetString(), submittedBy.GetProperty("relationship").GetString())
            .ShouldBe(("proxy", "Sam Smith", "parent or guardian"));
        var contact = root.GetProperty("contact");
        (contact.GetProperty("phone").GetString(), contact.GetProperty("verified").GetBoolean(), contact.GetProperty("preference").GetString()).ShouldBe(("+447700900123", true, "phone"));
        var match = root.GetProperty("match");
        (match.GetProperty("status").GetString(), match.GetProperty("nhsNumber").GetString()).ShouldBe(("matched", "9000000009"));
        match.GetProperty("reason").ValueKind.ShouldBe(JsonValueKind.Null);
        root.GetProperty("redFlags")[0].GetProperty("id").GetString().ShouldBe("chest-pain");
        root.GetProperty("channel").GetString().ShouldBe("sms");
    }

    [Fact]
    public void Triage_fields_give_age_waiting_minutes_and_labelled_red_flags()
    {
        var request = Proxy with
        {
            Patient = Proxy.Patient with { DateOfBirth = new DateOnly(2010, 11, 26) },
            RedFlags = [new RedFlagHit("unconscious-or-seizure", "emergency", "Call 999 now.")],
        };

        using var waiting = JsonDocument.Parse(JsonSerializer.Serialize(RequestJson.From(request, Now), InboxJson.Options));
        using var dayBefore = JsonDocument.Parse(JsonSerializer.Serialize(RequestJson.From(request, Now.AddDays(-1)), InboxJson.Options));
        using var acted = JsonDocument.Parse(JsonSerializer.Serialize(
            RequestJson.From(request with { FirstActionAt = request.CreatedAt.AddMinutes(47).AddSeconds(59), FirstOpened = new FirstOpening(request.CreatedAt.AddMinutes(3), "bob@riverside.example") }, Now),
            InboxJson.Options));

        waiting.RootElement.GetProperty("ageYears").GetInt32().ShouldBe(16);
        dayBefore.RootElement.GetProperty("ageYears").GetInt32().ShouldBe(15);
        waiting.RootElement.GetProperty("waitingMinutes").GetInt64().ShouldBe(145);
        waiting.RootElement.GetProperty("firstActionAt").ValueKind.ShouldBe(JsonValueKind.Null);
        waiting.RootElement.GetProperty("firstOpened").ValueKind.ShouldBe(JsonValueKind.Null);
        acted.RootElement.GetProperty("waitingMinutes").GetInt64().ShouldBe(47);
        acted.RootElement.GetProperty("firstActionAt").GetString().ShouldBe("2026-11-26T10:52:04Z");
        acted.RootElement.GetProperty("firstOpened").GetProperty("by").GetString().ShouldBe("bob@riverside.example");
        acted.RootElement.GetProperty("firstOpened").GetProperty("at").GetString().ShouldBe("2026-11-26T10:07:05Z");
        var flag = waiting.RootElement.GetProperty("redFlags")[0];
        (flag.GetProperty("id").GetString(), flag.GetProperty("severity").GetString(), flag.GetProperty("label").GetString(), flag.GetProperty("advice").GetString())
            .ShouldBe(("unconscious-or-seizure", "emergency", "Unconscious or seizure", "Call 999 now."));
    }

    [Fact]
    public void Self_submitted_request_has_null_name_and_relationship_and_webchat_channel()
    {
        var self = Proxy with { SubmittedBy = new Submitter(SubmitterKind.Self, null, null), Channel = Channel.WebChat, Match = MatchResult.Pending, Status = RequestStatus.New };

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(RequestJson.From(self, Now), InboxJson.Options));
        var root = json.RootElement;

        root.GetProperty("submittedBy").GetProperty("kind").GetString().ShouldBe("self");
        root.GetProperty("submittedBy").GetProperty("name").ValueKind.ShouldBe(JsonValueKind.Null);
        root.GetProperty("submittedBy").GetProperty("relationship").ValueKind.ShouldBe(JsonValueKind.Null);
        root.GetProperty("channel").GetString().ShouldBe("webchat");
        root.GetProperty("status").GetString().ShouldBe("new");
        root.GetProperty("match").GetProperty("status").GetString().ShouldBe("unmatched");
        root.GetProperty("match").GetProperty("reason").GetString().ShouldBe("not yet checked");
    }
}
