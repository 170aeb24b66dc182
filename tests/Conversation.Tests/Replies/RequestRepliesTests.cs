using PatientContact.Inbox.Messaging;
using Microsoft.Extensions.Logging.Abstractions;
using PatientContact.Conversation.Replies;
using PatientContact.Conversation.Tests.Support;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.Conversation.Tests.Replies;

/// <summary>Which request a text after submission goes on, over a real SQLite file with a controlled clock.</summary>
public sealed class RequestRepliesTests : IDisposable
{
    private const string Patient = "+447700900801";
    private readonly EngineHarness _harness = new();
    private readonly RequestReplies _replies;

    public RequestRepliesTests() => _replies = new RequestReplies(_harness.Requests, _harness.Messages, _harness.Rules, NullLogger<RequestReplies>.Instance);

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task A_text_goes_on_the_latest_request_from_the_last_14_days()
    {
        await AddRequestAsync("AAAA-1111", _harness.Clock.GetUtcNow().AddDays(-10));
        await AddRequestAsync("BBBB-2222", _harness.Clock.GetUtcNow().AddDays(-3));

        var answer = await TextAsync("Is there any news?");

        answer.ShouldNotBeNull().Single().ShouldContain("your request BBBB-2222");
        (await _harness.Messages.ListForRequestAsync("BBBB-2222")).ShouldHaveSingleItem().Body.ShouldBe("Is there any news?");
    }

    [Fact]
    public async Task A_request_older_than_14_days_with_no_staff_text_since_takes_no_reply()
    {
        await AddRequestAsync("AAAA-1111", _harness.Clock.GetUtcNow().AddDays(-15));

        (await TextAsync("Hello again")).ShouldBeNull();
        (await _harness.Messages.ListForRequestAsync("AAAA-1111")).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_reply_to_a_recent_staff_text_goes_on_that_request_even_when_it_is_older()
    {
        await AddRequestAsync("AAAA-1111", _harness.Clock.GetUtcNow().AddDays(-30));
        await AddRequestAsync("BBBB-2222", _harness.Clock.GetUtcNow().AddDays(-5));
        await _harness.Messages.AddAsync(new RequestMessage
        {
            Id = Guid.NewGuid(), ReferenceId = "AAAA-1111", ServiceId = "riverside-gp", Direction = MessageDirection.Out, Channel = Channel.Sms,
            Body = "Your results are back: please call us.", CreatedAt = _harness.Clock.GetUtcNow().AddDays(-1), Phone = Patient,
            Status = DeliveryStatus.Delivered, Author = "staff@riverside-gp.example", Purpose = TextPurpose.StaffReply,
        });

        var answer = await TextAsync("OK I will call tomorrow");

        answer.ShouldNotBeNull().Single().ShouldContain("your request AAAA-1111");
        (await _harness.Messages.ListForRequestAsync("BBBB-2222")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Another_services_request_and_a_conversation_in_progress_take_no_reply()
    {
        await AddRequestAsync("AAAA-1111", _harness.Clock.GetUtcNow().AddDays(-1), serviceId: "northside-community");
        await AddRequestAsync("BBBB-2222", _harness.Clock.GetUtcNow().AddDays(-1));

        (await TextAsync("Hello")).ShouldNotBeNull();
        (await TextAsync("1", inProgress: true)).ShouldBeNull();
        (await TextAsync("new request")).ShouldBeNull();
        (await TextAsync("Restart")).ShouldBeNull();
        (await _harness.Messages.ListForRequestAsync("AAAA-1111")).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_acknowledgement_comes_again_after_an_hour()
    {
        await AddRequestAsync("BBBB-2222", _harness.Clock.GetUtcNow().AddDays(-1));

        (await TextAsync("First")).ShouldNotBeNull().ShouldHaveSingleItem();
        (await TextAsync("Second")).ShouldNotBeNull().ShouldBeEmpty();
        _harness.Clock.Advance(TimeSpan.FromMinutes(61));
        (await TextAsync("Third")).ShouldNotBeNull().ShouldHaveSingleItem();
    }

    private Task<IReadOnlyList<string>?> TextAsync(string text, bool inProgress = false) =>
        _replies.TryAddAsync(
            new IncomingMessage(_harness.Rules.Current.FindService("riverside-gp")!, Channel.Sms, $"sms:riverside-gp:{Patient}", "SM" + Guid.NewGuid().ToString("N"),
                text, Patient, 0, inProgress, null, _harness.Clock.GetUtcNow()),
            CancellationToken.None);

    private async Task AddRequestAsync(string referenceId, DateTimeOffset at, string serviceId = "riverside-gp")
    {
        var request = new ContactRequest
        {
            ReferenceId = referenceId,
            ServiceId = serviceId,
            RequestTypeId = "medical-request",
            RequestType = "Medical request",
            Details = "A cough for two weeks.",
            CreatedAt = at,
            UpdatedAt = at,
            Patient = new PatientDetails("Jane", "Smith", new DateOnly(2010, 10, 22), Gender.Female, "LS1 6AE"),
            SubmittedBy = new Submitter(SubmitterKind.Self, null, null),
            Contact = new ContactDetails(Patient, true, ContactPreference.Text),
            Channel = Channel.Sms,
            ConversationKey = "test:" + referenceId,
        };
        (await _harness.Requests.AddAsync(request)).ShouldBe(AddResult.Added);
    }
}
