using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff;
using PatientContact.Inbox.Staff.Requests;
using PatientContact.Inbox.Tests.Staff.Support;

namespace PatientContact.Inbox.Tests.Staff;

public sealed class RequestChangesTests : IDisposable
{
    private const string Ref = "ABCD-2345";
    private readonly StaffHarness _harness = new();
    private readonly Inbox.Staff.SignIn.StaffMember _alice = StaffHarness.Member("alice@riverside.example", "riverside-gp");
    private readonly Inbox.Staff.SignIn.StaffMember _bob = StaffHarness.Member("bob@riverside.example", "riverside-gp");
    private readonly Inbox.Staff.SignIn.StaffMember _outsider = StaffHarness.Member("olly@northside.example", "northside-community");

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Status_change_is_saved_with_a_new_version_and_audited()
    {
        await _harness.AddRequestAsync(Ref);

        var result = await _harness.Changes.ChangeStatusAsync(_alice, Ref, "in-progress", seenVersion: 1);

        result.Outcome.ShouldBe(ChangeOutcome.Changed);
        var stored = await _harness.Requests.GetAsync(Ref);
        stored!.Status.ShouldBe(RequestStatus.InProgress);
        stored.Version.ShouldBe(2);
        var entry = (await _harness.AuditAsync()).Single();
        (entry.Actor, entry.Action, entry.ServiceId, entry.ReferenceId, entry.Detail).ShouldBe(("alice@riverside.example", AuditActions.StatusChanged, "riverside-gp", Ref, "new -> in progress"));
    }

    [Fact]
    public async Task Second_of_two_status_changes_from_the_same_version_is_told_and_the_first_is_kept()
    {
        await _harness.AddRequestAsync(Ref);

        var first = await _harness.Changes.ChangeStatusAsync(_alice, Ref, "done", seenVersion: 1);
        var second = await _harness.Changes.ChangeStatusAsync(_bob, Ref, "in progress", seenVersion: 1);

        first.Outcome.ShouldBe(ChangeOutcome.Changed);
        second.Outcome.ShouldBe(ChangeOutcome.Conflict);
        second.Request!.Status.ShouldBe(RequestStatus.Done);
        (await _harness.Requests.GetAsync(Ref))!.Status.ShouldBe(RequestStatus.Done);
        (await _harness.AuditAsync()).Select(a => (a.Actor, a.Action)).ShouldBe([
            ("alice@riverside.example", AuditActions.StatusChanged),
            ("bob@riverside.example", AuditActions.ChangeRefused),
        ]);
    }

    [Fact]
    public async Task Status_changes_racing_from_one_version_let_exactly_one_win()
    {
        await _harness.AddRequestAsync(Ref);
        var people = Enumerable.Range(0, 6).Select(i => StaffHarness.Member($"p{i}@riverside.example", "riverside-gp")).ToArray();

        var results = await Task.WhenAll(people.Select((p, i) => Task.Run(() => _harness.Changes.ChangeStatusAsync(p, Ref, i % 2 == 0 ? "done" : "in-progress", 1))));

        results.Count(r => r.Outcome == ChangeOutcome.Changed).ShouldBe(1);
        results.Count(r => r.Outcome == ChangeOutcome.Conflict).ShouldBe(5);
        (await _harness.Requests.GetAsync(Ref))!.Version.ShouldBe(2);
    }

    [Theory]
    [InlineData("")]
    [InlineData("closed")]
    [InlineData("new")]
    public async Task Status_that_is_not_a_change_is_refused_and_changes_nothing(string status)
    {
        await _harness.AddRequestAsync(Ref);

        var result = await _harness.Changes.ChangeStatusAsync(_alice, Ref, status, 1);

        result.Outcome.ShouldBe(ChangeOutcome.Invalid);
        result.Problem.ShouldNotBeNullOrEmpty();
        (await _harness.Requests.GetAsync(Ref))!.Version.ShouldBe(1);
        (await _harness.AuditAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Every_action_on_another_services_request_is_not_found_and_changes_nothing()
    {
        await _harness.AddRequestAsync(Ref);

        var results = new[]
        {
            await _harness.Changes.ChangeStatusAsync(_outsider, Ref, "done", 1),
            await _harness.Changes.AssignAsync(_outsider, Ref, "me", 1),
            await _harness.Changes.AddNoteAsync(_outsider, Ref, "a note"),
            await _harness.Changes.TextPatientAsync(_outsider, Ref, "hello", "send-1"),
            await _harness.Changes.RequestRematchAsync(_outsider, Ref, 1),
            await _harness.Changes.MatchManuallyAsync(_outsider, Ref, "9434765919", 1),
        };

        results.ShouldAllBe(r => r.Outcome == ChangeOutcome.NotFound && r.Request == null);
        (await _harness.Requests.GetAsync(Ref))!.Version.ShouldBe(1);
        (await _harness.Outbox.ListForRecipientAsync("+447700900123", 10)).ShouldBeEmpty();
        (await _harness.AuditAsync()).ShouldBeEmpty();
        (await _harness.Access.FindAsync(_outsider, Ref)).ShouldBeNull();
    }

    [Fact]
    public async Task Request_is_found_by_reference_typed_any_way_but_only_by_its_services_staff()
    {
        await _harness.AddRequestAsync(Ref);

        (await _harness.Access.FindAsync(_alice, " abcd2345 ")).ShouldNotBeNull();
        (await _harness.Access.FindAsync(_alice, "abcd-2345")).ShouldNotBeNull();
        (await _harness.Access.FindAsync(_alice, "ABCD-2346")).ShouldBeNull();
        (await _harness.Access.FindAsync(_alice, "<script>")).ShouldBeNull();
    }

    [Fact]
    public async Task Assign_to_me_to_a_colleague_and_to_nobody()
    {
        await _harness.AddRequestAsync(Ref);
        await _harness.AddStaffAsync("bob@riverside.example", "riverside-gp");

        (await _harness.Changes.AssignAsync(_alice, Ref, "me", 1)).Request!.AssignedTo.ShouldBe("alice@riverside.example");
        (await _harness.Changes.AssignAsync(_alice, Ref, "BOB@riverside.example", 2)).Request!.AssignedTo.ShouldBe("bob@riverside.example");
        (await _harness.Changes.AssignAsync(_alice, Ref, "", 3)).Request!.AssignedTo.ShouldBeNull();

        (await _harness.AuditAsync()).Where(a => a.Action == AuditActions.Assigned).Select(a => a.Detail).ShouldBe(["to alice@riverside.example", "to bob@riverside.example", "unassigned"]);
    }

    [Fact]
    public async Task Assign_to_someone_outside_the_service_is_refused()
    {
        await _harness.AddRequestAsync(Ref);
        await _harness.AddStaffAsync("olly@northside.example", "northside-community");

        var outsider = await _harness.Changes.AssignAsync(_alice, Ref, "olly@northside.example", 1);
        var unknown = await _harness.Changes.AssignAsync(_alice, Ref, "nobody@riverside.example", 1);

        outsider.Outcome.ShouldBe(ChangeOutcome.Invalid);
        outsider.Field.ShouldBe("assignee");
        unknown.Outcome.ShouldBe(ChangeOutcome.Invalid);
        (await _harness.Requests.GetAsync(Ref))!.AssignedTo.ShouldBeNull();
    }

    [Fact]
    public async Task Note_is_added_to_the_latest_version_even_after_someone_else_changed_it()
    {
        await _harness.AddRequestAsync(Ref);
        await _harness.Changes.ChangeStatusAsync(_bob, Ref, "in-progress", 1);

        var result = await _harness.Changes.AddNoteAsync(_alice, Ref, "  Rang the patient, no answer.  ");

        result.Outcome.ShouldBe(ChangeOutcome.Changed);
        var stored = await _harness.Requests.GetAsync(Ref);
        stored!.Status.ShouldBe(RequestStatus.InProgress);
        stored.Notes.ShouldBe([new StaffNote(_harness.Clock.GetUtcNow(), "alice@riverside.example", "Rang the patient, no answer.")]);
    }

    [Fact]
    public async Task Notes_added_at_once_are_all_kept()
    {
        await _harness.AddRequestAsync(Ref);

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => _harness.Changes.AddNoteAsync(_alice, Ref, $"note {i}"))));

        results.ShouldAllBe(r => r.Outcome == ChangeOutcome.Changed);
        (await _harness.Requests.GetAsync(Ref))!.Notes.Select(n => n.Text).ShouldBe(Enumerable.Range(0, 6).Select(i => $"note {i}"), ignoreOrder: true);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Empty_note_is_refused(string note)
    {
        await _harness.AddRequestAsync(Ref);

        (await _harness.Changes.AddNoteAsync(_alice, Ref, note)).Outcome.ShouldBe(ChangeOutcome.Invalid);
        (await _harness.Changes.AddNoteAsync(_alice, Ref, new string('x', RequestChanges.MaxNoteLength + 1))).Outcome.ShouldBe(ChangeOutcome.Invalid);
        (await _harness.Requests.GetAsync(Ref))!.Notes.ShouldBeEmpty();
    }

    [Fact]
    public async Task Text_goes_to_the_contact_number_through_the_outbox_once_per_form_and_is_audited_with_its_words()
    {
        await _harness.AddRequestAsync(Ref);

        var first = await _harness.Changes.TextPatientAsync(_alice, Ref, "Please ring the surgery on 0113 496 0001.", "form-1");
        var again = await _harness.Changes.TextPatientAsync(_alice, Ref, "Please ring the surgery on 0113 496 0001.", "form-1");

        first.Outcome.ShouldBe(ChangeOutcome.Changed);
        again.Outcome.ShouldBe(ChangeOutcome.Changed);
        var texts = await _harness.Outbox.ListForRecipientAsync("+447700900123", 10);
        texts.Count.ShouldBe(1);
        (texts[0].Body, texts[0].Purpose).ShouldBe(("Please ring the surgery on 0113 496 0001.", TextPurpose.StaffReply));
        var entry = (await _harness.AuditAsync()).Single();
        (entry.Action, entry.Detail).ShouldBe((AuditActions.Texted, "Please ring the surgery on 0113 496 0001."));
    }

    [Fact]
    public async Task Text_goes_from_the_services_own_number_and_is_kept_on_the_request_as_queued()
    {
        await _harness.AddRequestAsync(Ref);
        await _harness.Messages.AddAsync(new RequestMessage
        {
            Id = Guid.NewGuid(), ReferenceId = Ref, ServiceId = "riverside-gp", Direction = MessageDirection.In, Channel = Channel.Sms,
            Body = "Is my prescription ready?", CreatedAt = _harness.Clock.GetUtcNow(), DedupeKey = "sms:SM1",
        });

        var first = await _harness.Changes.TextPatientAsync(_alice, Ref, "Yes, it's ready to collect.", "form-1");
        var again = await _harness.Changes.TextPatientAsync(_alice, Ref, "Yes, it's ready to collect.", "form-1");

        var outbox = (await _harness.Outbox.ListForRecipientAsync("+447700900123", 10)).ShouldHaveSingleItem();
        outbox.From.ShouldBe("+447700900001");
        var thread = await _harness.Messages.ListForRequestAsync(Ref);
        var text = thread.Single(m => m.Direction == MessageDirection.Out);
        (text.Id, text.Body, text.Status, text.Author, text.Phone, text.Channel).ShouldBe((outbox.Id, "Yes, it's ready to collect.", DeliveryStatus.Queued, "alice@riverside.example", "+447700900123", Channel.Sms));
        first.Message!.Id.ShouldBe(text.Id);
        again.Message!.Id.ShouldBe(text.Id);
        // Replying means the patient's message was read.
        (await _harness.Messages.WithUnreadAsync([Ref])).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_service_with_no_sms_number_cannot_text_and_staff_are_told_to_call()
    {
        await _harness.AddRequestAsync(Ref, serviceId: "no-such-service-in-the-rules");
        var staff = StaffHarness.Member("sam@elsewhere.example", "no-such-service-in-the-rules");

        var result = await _harness.Changes.TextPatientAsync(staff, Ref, "Hello", "form-1");

        result.Outcome.ShouldBe(ChangeOutcome.Invalid);
        result.Problem.ShouldBe(RequestChanges.NoSenderProblem);
        (await _harness.Outbox.ListForRecipientAsync("+447700900123", 10)).ShouldBeEmpty();
        (await _harness.Messages.ListForRequestAsync(Ref)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_text_needing_more_than_three_segments_because_of_emoji_is_refused_saying_why()
    {
        await _harness.AddRequestAsync(Ref);
        var body = string.Concat(Enumerable.Repeat("Thanks \U0001F60A ", 25));

        var result = await _harness.Changes.TextPatientAsync(_alice, Ref, body, "form-1");

        result.Outcome.ShouldBe(ChangeOutcome.Invalid);
        result.Problem!.ShouldContain("emoji");
        (await _harness.Outbox.ListForRecipientAsync("+447700900123", 10)).ShouldBeEmpty();
    }

    [Fact]
    public async Task No_text_to_a_number_that_sent_stop()
    {
        await _harness.AddRequestAsync(Ref);
        await _harness.OptOuts.SetAsync("+447700900123", true, _harness.Clock.GetUtcNow());

        var result = await _harness.Changes.TextPatientAsync(_alice, Ref, "Hello", "form-1");

        result.Outcome.ShouldBe(ChangeOutcome.Invalid);
        result.Problem.ShouldBe("This patient has asked for no texts from this number: call them instead.");
        (await _harness.Outbox.ListForRecipientAsync("+447700900123", 10)).ShouldBeEmpty();
        (await _harness.AuditAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task No_text_to_a_landline()
    {
        await _harness.AddRequestAsync(Ref, phone: "+441134960000");

        var result = await _harness.Changes.TextPatientAsync(_alice, Ref, "Hello", "form-1");

        result.Outcome.ShouldBe(ChangeOutcome.Invalid);
        (await _harness.Outbox.ListForRecipientAsync("+441134960000", 10)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Text_longer_than_three_segments_is_refused()
    {
        await _harness.AddRequestAsync(Ref);

        (await _harness.Changes.TextPatientAsync(_alice, Ref, new string('a', RequestChanges.MaxTextLength + 1), "form-1")).Outcome.ShouldBe(ChangeOutcome.Invalid);
        (await _harness.Changes.TextPatientAsync(_alice, Ref, "  ", "form-2")).Outcome.ShouldBe(ChangeOutcome.Invalid);
        (await _harness.Outbox.ListForRecipientAsync("+447700900123", 10)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Rematch_puts_the_request_back_to_not_yet_checked_for_the_matching_worker()
    {
        var request = await _harness.AddRequestAsync(Ref);
        await _harness.Requests.TryUpdateAsync(request with { Match = new MatchResult(MatchStatus.Unmatched, MatchReason.PdsUnavailable, null), Version = 2 });

        var result = await _harness.Changes.RequestRematchAsync(_alice, Ref, 2);

        result.Outcome.ShouldBe(ChangeOutcome.Changed);
        (await _harness.Requests.GetAsync(Ref))!.Match.ShouldBe(MatchResult.Pending);
        (await _harness.Requests.ListUnmatchedAsync(MatchReason.NotYetChecked, 10)).Select(r => r.ReferenceId).ShouldBe([Ref]);
        (await _harness.Changes.RequestRematchAsync(_alice, Ref, 3)).Outcome.ShouldBe(ChangeOutcome.Invalid);
    }

    [Theory]
    [InlineData("943 476 5919", "9434765919")]
    [InlineData("943-476-5919", "9434765919")]
    [InlineData("9000000009", "9000000009")]
    public async Task Manual_match_stores_a_checked_nhs_number(string typed, string stored)
    {
        await _harness.AddRequestAsync(Ref);

        var result = await _harness.Changes.MatchManuallyAsync(_alice, Ref, typed, 1);

        result.Outcome.ShouldBe(ChangeOutcome.Changed);
        (await _harness.Requests.GetAsync(Ref))!.Match.ShouldBe(new MatchResult(MatchStatus.Matched, MatchReason.MatchedByStaff, stored));
        (await _harness.AuditAsync()).Single().Detail!.ShouldNotContain(stored);
    }

    [Theory]
    [InlineData("")]
    [InlineData("943 476 591")]
    [InlineData("9434765918")]
    [InlineData("943476591X")]
    [InlineData("94347659190")]
    public async Task Manual_match_refuses_a_number_that_fails_the_modulus_11_check(string typed)
    {
        await _harness.AddRequestAsync(Ref);

        var result = await _harness.Changes.MatchManuallyAsync(_alice, Ref, typed, 1);

        result.Outcome.ShouldBe(ChangeOutcome.Invalid);
        result.Field.ShouldBe("nhsNumber");
        (await _harness.Requests.GetAsync(Ref))!.Match.ShouldBe(MatchResult.Pending);
    }
}
