using PatientContact.Inbox.Links;
using PatientContact.Inbox.Staff.Links;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Tests.Staff.Support;
using PatientContact.Rules;

namespace PatientContact.Inbox.Tests.Links;

/// <summary>The text that goes with a link: the service's wording or the standard one, and what it costs as an SMS.</summary>
public sealed class LinkTextTests
{
    /// <summary>A 72-character follow-up link, about what a deployment's address gives.</summary>
    private const string FollowUpAddress = "https://pc.example.nhs.uk/c/northside-community/f/AbCdEfGhIjKlMnOpQrSt_-";

    private const string GeneralAddress = "https://pc.example.nhs.uk/c/northside-community";

    private static readonly ServiceDefinition Northside = new()
    {
        Id = "northside-community",
        Name = "Northside Community Health NHS Trust",
        Type = "community-trust",
        OdsCode = "Z9N",
        PhoneNumber = "0113 496 0002",
        SmsNumbers = ["+447700900002"],
    };

    /// <summary>A follow-up link whose last day is 30 September 2027 (the longest month name), ending at midnight London time.</summary>
    private static SentLink FollowUp(DateTimeOffset? endsAt = null) => new()
    {
        Id = "0123456789abcdef0123456789abcdef",
        ServiceId = Northside.Id,
        Kind = SentLinkKind.FollowUp,
        Phone = "+447700900123",
        FirstName = "Jane",
        LastName = "Smith",
        DateOfBirth = new DateOnly(2010, 10, 22),
        Pathway = "Rheumatology",
        TokenHash = new string('a', 64),
        EndsAt = endsAt ?? new DateTimeOffset(2027, 10, 1, 0, 0, 0, TimeSpan.FromHours(1)),
        SentAt = new DateTimeOffset(2027, 4, 1, 9, 0, 0, TimeSpan.FromHours(1)),
        SentBy = "staff@northside-community.example",
    };

    private static SentLink General() => new()
    {
        Id = "fedcba9876543210fedcba9876543210",
        ServiceId = Northside.Id,
        Kind = SentLinkKind.General,
        Phone = "+447700900123",
        SentAt = new DateTimeOffset(2027, 4, 1, 9, 0, 0, TimeSpan.FromHours(1)),
        SentBy = "staff@northside-community.example",
    };

    [Fact]
    public void Without_wording_of_its_own_a_service_sends_the_standard_texts()
    {
        LinkSharing.Text(Northside, General(), GeneralAddress).ShouldBe(
            "Northside Community Health NHS Trust: you can send us a request online when it is not urgent: https://pc.example.nhs.uk/c/northside-community In an emergency, call 999.");
        LinkSharing.Text(Northside, FollowUp(), FollowUpAddress).ShouldBe(
            "Northside Community Health NHS Trust: this is your personal link to contact us about your follow-up care until 30 September 2027. Please do not share it. "
            + FollowUpAddress + " In an emergency, call 999.");
    }

    [Fact]
    public void A_services_own_wording_is_filled_in_for_each_kind_of_link()
    {
        var service = Northside with
        {
            LinkMessage = "{service}: send us a request online, when it's not urgent: {link}",
            FollowUpLinkMessage = "{service}: your follow-up link, until {ends}: {link} Please do not share it. {service}",
        };

        LinkSharing.Text(service, General(), GeneralAddress).ShouldBe(
            "Northside Community Health NHS Trust: send us a request online, when it's not urgent: https://pc.example.nhs.uk/c/northside-community");
        LinkSharing.Text(service, FollowUp(), FollowUpAddress).ShouldBe(
            "Northside Community Health NHS Trust: your follow-up link, until 30 September 2027: " + FollowUpAddress
            + " Please do not share it. Northside Community Health NHS Trust");
    }

    [Fact]
    public void The_last_day_is_the_day_before_the_end_in_london_time()
    {
        // Ends at midnight at the start of 27 May 2027 (BST): the last day it works is 26 May.
        var text = LinkSharing.Text(Northside, FollowUp(new DateTimeOffset(2027, 5, 26, 23, 0, 0, TimeSpan.Zero)), FollowUpAddress);

        text.ShouldContain("until 26 May 2027.");
    }

    [Fact]
    public void The_service_wording_is_not_used_for_the_other_kind_of_link()
    {
        var service = Northside with { LinkMessage = "General wording {link}" };

        LinkSharing.Text(service, FollowUp(), FollowUpAddress).ShouldStartWith("Northside Community Health NHS Trust: this is your personal link");
        LinkSharing.Text(service, General(), GeneralAddress).ShouldBe("General wording " + GeneralAddress);
    }

    [Fact]
    public void Standard_follow_up_text_with_a_70_character_link_is_gsm7_within_three_segments_for_every_demo_service()
    {
        FollowUpAddress.Length.ShouldBeInRange(70, 75);
        var services = RuleBookLoader.Load(RepoPaths.Rules).Services;
        services.Count.ShouldBeGreaterThan(0);

        foreach (var service in services)
        {
            var followUp = LinkSharing.Text(service, FollowUp() with { ServiceId = service.Id }, FollowUpAddress);
            var general = LinkSharing.Text(service, General() with { ServiceId = service.Id }, GeneralAddress);

            SmsText.IsGsm7(followUp).ShouldBeTrue(followUp);
            followUp.Length.ShouldBeLessThanOrEqualTo(459, followUp);
            SmsText.CountSegments(followUp).ShouldBeLessThanOrEqualTo(3, followUp);
            SmsText.IsGsm7(general).ShouldBeTrue(general);
            SmsText.CountSegments(general).ShouldBeLessThanOrEqualTo(2, general);
        }
    }

    [Fact]
    public void Standard_follow_up_text_stays_within_three_segments_with_a_long_service_name()
    {
        var service = Northside with { Name = "Leeds and York Partnership NHS Foundation Trust Community Services" };

        var text = LinkSharing.Text(service, FollowUp(), FollowUpAddress);

        SmsText.IsGsm7(text).ShouldBeTrue();
        text.Length.ShouldBeLessThanOrEqualTo(459);
        SmsText.CountSegments(text).ShouldBe(2);
    }

    [Fact]
    public void Typographic_quotes_and_dashes_in_the_wording_or_name_are_sent_as_gsm7()
    {
        var service = Northside with
        {
            Name = "St Mary’s Surgery",
            FollowUpLinkMessage = "{service} – your follow-up link until {ends}: {link} “Please” don’t share it.",
        };

        var text = LinkSharing.Text(service, FollowUp(), FollowUpAddress);

        text.ShouldBe($"St Mary's Surgery - your follow-up link until 30 September 2027: {FollowUpAddress} \"Please\" don't share it.");
        SmsText.EncodingOf(text).ShouldBe(SmsEncoding.Gsm7);
    }
}
