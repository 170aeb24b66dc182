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
        SubmittedBy = new Submitter(SubmitterKind.Proxy, "Sam Smith", "parent or guardian"),
        Contact = new ContactDetails("+447700900123", true, ContactPreference.Phone),
        Match = new MatchResult(MatchStatus.Matched, null, "9000000009"),
        RedFlags = [new RedFlagHit("chest-pain", "urgent", "Call 999")],
        Channel = Channel.Sms,
        ConversationKey = "sms:x",
        AssignedTo = "alice@riverside.example",
        Version = 3,
    };

    [Fact]
    public void Request_reads_in_the_shape_of_the_spec()
    {
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(RequestJson.From(Proxy), InboxJson.Options));
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
    public void Self_submitted_request_has_null_name_and_relationship_and_webchat_channel()
    {
        var self = Proxy with { SubmittedBy = new Submitter(SubmitterKind.Self, null, null), Channel = Channel.WebChat, Match = MatchResult.Pending, Status = RequestStatus.New };

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(RequestJson.From(self), InboxJson.Options));
        var root = json.RootElement;

        root.GetProperty("submittedBy").GetProperty("kind").GetString().ShouldBe("self");
        root.GetProperty("submittedBy").GetProperty("name").ValueKind.ShouldBe(JsonValueKind.Null);
        root.GetProperty("submittedBy").GetProperty("relationship").ValueKind.ShouldBe(JsonValueKind.Null);
        root.GetProperty("channel").GetString().ShouldBe("webchat");
        root.GetProperty("status").GetString().ShouldBe("new");
        root.GetProperty("match").GetProperty("status").GetString().ShouldBe("unmatched");
        root.GetProperty("match").GetProperty("reason").GetString().ShouldBe(MatchReasons.NotYetChecked);
    }
}
