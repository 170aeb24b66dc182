using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PatientContact.Conversation.Intake;
using PatientContact.Conversation.Tests.Support;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Storage.Sqlite;

namespace PatientContact.Conversation.Tests.Intake;

/// <summary>
/// Inputs already applied are remembered in the store's index for days, beyond the session's last few:
/// a late repeat changes nothing, a failed turn is not remembered, a new input is never taken for an old one.
/// </summary>
public sealed class AppliedInputTests : IDisposable
{
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task An_input_retried_five_turns_later_gets_its_first_replies_word_for_word_with_their_choices()
    {
        var patient = await _harness.Patient().OpenAsync();
        await patient.SayAsync("1", inputId: "c:first-answer");
        var first = patient.Last!.Replies;
        first[^1].Choices.ShouldNotBeEmpty();
        foreach (var answer in new[] { "2", "I need a fit note for work", "1", "Jane", "Smith" })
        {
            await patient.SayAsync(answer);
        }

        var stored = (await _harness.Conversations.GetAsync(patient.Key))!;
        stored.DataText.ShouldContain("\"processed\":[{\"id\":\"c:first-answer\",\"replies\":[{\"text\":");

        await patient.SayAsync("1", inputId: "c:first-answer");

        patient.Last!.Replayed.ShouldBeTrue();
        patient.Last.Replies.Select(r => (r.Text, r.Step, r.Urgent, r.Reason)).ShouldBe(first.Select(r => (r.Text, r.Step, r.Urgent, r.Reason)));
        patient.Last.Replies[^1].Choices.ShouldBe(first[^1].Choices);
        (await _harness.Conversations.GetAsync(patient.Key))!.Version.ShouldBe(stored.Version);
    }

    [Fact]
    public async Task A_client_activity_id_repeated_after_seven_other_posts_is_not_applied_again()
    {
        var patient = await _harness.Patient().OpenAsync();
        await patient.SayAsync("1", inputId: "c:first-answer");
        foreach (var answer in new[] { "1", "Sore knee for a week", "1", "Jane", "Smith", "1/2/1980", "2" })
        {
            await patient.SayAsync(answer);
        }

        var before = (await _harness.Conversations.GetAsync(patient.Key))!;
        before.State.ShouldBe("postcode");

        await patient.SayAsync("1", inputId: "c:first-answer");

        patient.Last!.Replayed.ShouldBeTrue();
        patient.Last.Replies.ShouldBeEmpty();
        (await _harness.Conversations.GetAsync(patient.Key))!.Version.ShouldBe(before.Version);
        await patient.SayAsync("LS1 6AE");
        patient.Step.ShouldBe("phone");
    }

    [Fact]
    public async Task A_repeat_sent_to_another_host_after_a_restart_is_not_applied_again()
    {
        var patient = await Texter().OpenAsync();
        for (var i = 0; i < 8; i++)
        {
            await patient.SayAsync(i == 0 ? "1" : "help", inputId: $"SM{i:D32}");
        }

        var before = (await _harness.Conversations.GetAsync(patient.Key))!;
        var otherHost = _harness.NewEngine();

        await patient.SayAsync("1", inputId: $"SM{0:D32}", engine: otherHost);

        patient.Last!.Replayed.ShouldBeTrue();
        (await _harness.Conversations.GetAsync(patient.Key))!.Version.ShouldBe(before.Version);
    }

    [Fact]
    public async Task A_text_s_turn_stores_the_conversation_its_input_and_its_sender_count_in_one_write()
    {
        var patient = await Texter().OpenAsync();
        await patient.SayAsync("1", inputId: "SMfirst");
        var counts = new SqliteRateCounterStore(_harness.Database);
        var count = new RateCount("sms-sender:one-write", _harness.Clock.GetUtcNow(), _harness.Clock.GetUtcNow().AddMinutes(10));
        var writes = _harness.Database.Writes;

        var result = await _harness.Engine.HandleAsync(patient.Input("help", "SMhelp") with { Counted = count });

        result.Replayed.ShouldBeFalse();
        (_harness.Database.Writes - writes).ShouldBe(1, "one write through SQLite's one writer for the whole turn");
        (await _harness.Inputs.ContainsAsync(AppliedInputs.KeyOf(patient.Input("help", "SMhelp")))).ShouldBeTrue();
        (await counts.CountAsync(count.Key, count.WindowStart)).ShouldBe(1);

        (await _harness.Engine.HandleAsync(patient.Input("help", "SMhelp") with { Counted = count })).Replayed.ShouldBeTrue();
        (await counts.CountAsync(count.Key, count.WindowStart)).ShouldBe(1, "a retried text is answered from memory and not counted again");
    }

    [Fact]
    public async Task A_turn_that_failed_to_store_is_not_remembered_so_its_retry_is_applied()
    {
        var failing = new FailingSaves(_harness.Conversations);
        var engine = _harness.NewEngine(failing);
        var patient = await Texter().OpenAsync();

        failing.FailNext = true;
        await Should.ThrowAsync<IOException>(() => patient.SayAsync("1", inputId: "SMretried", engine: engine));
        (await _harness.Inputs.ContainsAsync(AppliedInputs.KeyOf(patient.Input("1", "SMretried")))).ShouldBeFalse();

        await patient.SayAsync("1", inputId: "SMretried", engine: engine);

        patient.Last!.Replayed.ShouldBeFalse();
        patient.Step.ShouldBe("request-type");
    }

    [Fact]
    public async Task The_purger_forgets_inputs_after_the_input_memory_and_not_before_a_day()
    {
        var patient = await Texter().OpenAsync();
        await patient.SayAsync("1", inputId: "SMold");
        var key = AppliedInputs.KeyOf(patient.Input("1", "SMold"));
        var purger = new ConversationPurger(_harness.Conversations, _harness.Engine, _harness.Clock, Options.Create(_harness.Options), NullLogger<ConversationPurger>.Instance, inputs: _harness.Inputs);

        _harness.Clock.Advance(TimeSpan.FromHours(25));
        (await purger.PurgeInputsOnceAsync(CancellationToken.None)).ShouldBe(0);
        (await _harness.Inputs.ContainsAsync(key)).ShouldBeTrue();

        _harness.Clock.Advance(_harness.Options.InputMemory - TimeSpan.FromHours(24));
        (await purger.PurgeInputsOnceAsync(CancellationToken.None)).ShouldBe(2, "the opening text and the answer");
        (await _harness.Inputs.ContainsAsync(key)).ShouldBeFalse();
    }

    [Fact]
    public async Task The_services_own_ids_are_not_kept_so_a_conversation_opened_again_is_answered()
    {
        var patient = await _harness.Patient(channel: Channel.Form).OpenAsync();

        (await _harness.Inputs.ContainsAsync(AppliedInputs.KeyOf(patient.Input("", "open")))).ShouldBeFalse();
        AppliedInputs.IsKept(patient.Input("1", "s:server-made")).ShouldBeFalse();
        AppliedInputs.IsKept(patient.Input("1", "c:from-the-widget")).ShouldBeFalse("a form patient's ids are the service's");
        AppliedInputs.IsKept(new TurnInput("k", "riverside-gp", Channel.WebChat, "c:from-the-widget", "1")).ShouldBeTrue();
        AppliedInputs.IsKept(new TurnInput("k", "riverside-gp", Channel.Sms, "SM0123", "1")).ShouldBeTrue();
    }

    [Fact]
    public void The_key_keeps_no_phone_number_or_input_id()
    {
        var key = AppliedInputs.KeyOf(new TurnInput("sms:riverside-gp:+447700900123", "riverside-gp", Channel.Sms, "SM0123", "1", "+447700900123"));

        key.Length.ShouldBe(22);
        key.ShouldNotContain("7700900123");
        key.ShouldNotContain("SM0123");
    }

    private PatientSession Texter() => _harness.Patient(channel: Channel.Sms, senderPhone: "+447700900123");

    /// <summary>The conversation store with a save that fails once on request, as a disk or network fault would.</summary>
    private sealed class FailingSaves(IConversationStore inner) : IConversationStore
    {
        public bool FailNext { get; set; }

        public Task<ConversationRecord?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

        public Task<ConversationRead> GetWithInputAsync(string key, string appliedInput, CancellationToken cancellationToken = default) => inner.GetWithInputAsync(key, appliedInput, cancellationToken);

        public Task<bool> TrySaveAsync(ConversationRecord record, CancellationToken cancellationToken = default)
        {
            if (FailNext)
            {
                FailNext = false;
                throw new IOException("injected store fault");
            }

            return inner.TrySaveAsync(record, cancellationToken);
        }

        public Task<IReadOnlyList<ConversationRecord>> ListIdleAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken = default) => inner.ListIdleAsync(cutoff, limit, cancellationToken);

        public Task<bool> TryDeleteAsync(string key, long version, CancellationToken cancellationToken = default) => inner.TryDeleteAsync(key, version, cancellationToken);
    }
}
