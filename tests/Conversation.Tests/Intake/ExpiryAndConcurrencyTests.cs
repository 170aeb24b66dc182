using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PatientContact.Conversation.Intake;
using PatientContact.Conversation.Tests.Support;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.Conversation.Tests.Intake;

public sealed class ExpiryAndConcurrencyTests : IDisposable
{
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task After_an_hour_idle_the_next_message_explains_and_starts_afresh_with_the_answers_gone()
    {
        var patient = await _harness.Patient().OpenAsync();
        foreach (var answer in new[] { "1", "1", "Sore knee", "1", "Jane" })
        {
            await patient.SayAsync(answer);
        }

        _harness.Clock.Advance(TimeSpan.FromMinutes(61));
        await patient.SayAsync("Smith");

        patient.Said.ShouldContain("deleted because there was no reply for 60 minutes");
        patient.Step.ShouldBe("emergency");
        (await _harness.Conversations.GetAsync(patient.Key))!.DataText.ShouldNotContain("Jane");
    }

    [Fact]
    public async Task Fifty_nine_minutes_idle_is_not_expiry()
    {
        var patient = await _harness.Patient().OpenAsync();
        await patient.SayAsync("1");

        _harness.Clock.Advance(TimeSpan.FromMinutes(59));
        await patient.SayAsync("1");

        patient.Step.ShouldBe("details");
    }

    [Fact]
    public async Task The_purger_deletes_idle_answers_even_if_the_patient_never_returns_and_the_return_is_explained()
    {
        var patient = await _harness.Patient().OpenAsync();
        foreach (var answer in new[] { "1", "1", "Sore knee", "1", "Jane", "Smith" })
        {
            await patient.SayAsync(answer);
        }

        var purger = new ConversationPurger(_harness.Conversations, _harness.Engine, _harness.Clock, Options.Create(_harness.Options), NullLogger<ConversationPurger>.Instance);
        (await purger.PurgeOnceAsync(CancellationToken.None)).ShouldBe(0);
        _harness.Clock.Advance(TimeSpan.FromMinutes(61));
        (await purger.PurgeOnceAsync(CancellationToken.None)).ShouldBe(1);

        var record = await _harness.Conversations.GetAsync(patient.Key);
        record!.State.ShouldBe("expired");
        record.DataText.ShouldNotContain("Jane");
        record.DataText.ShouldNotContain("Sore knee");

        _harness.Clock.Advance(TimeSpan.FromHours(2));
        await patient.SayAsync("Smith");
        patient.Said.ShouldContain("deleted because there was no reply");
        patient.Step.ShouldBe("emergency");
    }

    [Fact]
    public async Task The_purger_removes_expiry_markers_after_a_day_and_finished_conversations_after_the_timeout()
    {
        var idle = await _harness.Patient().OpenAsync();
        await idle.SayAsync("1");
        var finished = await _harness.Patient().OpenAsync();
        await finished.SayAsync("2");
        var purger = new ConversationPurger(_harness.Conversations, _harness.Engine, _harness.Clock, Options.Create(_harness.Options), NullLogger<ConversationPurger>.Instance);

        _harness.Clock.Advance(TimeSpan.FromMinutes(61));
        (await purger.PurgeOnceAsync(CancellationToken.None)).ShouldBe(2);
        (await _harness.Conversations.GetAsync(finished.Key)).ShouldBeNull();
        (await _harness.Conversations.GetAsync(idle.Key))!.State.ShouldBe("expired");

        _harness.Clock.Advance(TimeSpan.FromHours(12));
        (await purger.PurgeOnceAsync(CancellationToken.None)).ShouldBe(0);
        _harness.Clock.Advance(TimeSpan.FromHours(12) + TimeSpan.FromMinutes(1));
        (await purger.PurgeOnceAsync(CancellationToken.None)).ShouldBe(1);
        (await _harness.Conversations.GetAsync(idle.Key)).ShouldBeNull();
    }

    [Fact]
    public async Task The_same_input_sent_twenty_times_at_once_is_applied_once_and_answered_alike()
    {
        var patient = await _harness.Patient().OpenAsync();
        var before = (await _harness.Conversations.GetAsync(patient.Key))!.Version;
        var engines = Enumerable.Range(0, 4).Select(_ => _harness.NewEngine()).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => engines[i % engines.Length].HandleAsync(patient.Input("1", "same-message")))));

        (await _harness.Conversations.GetAsync(patient.Key))!.Version.ShouldBe(before + 1);
        results.Count(r => !r.Replayed).ShouldBe(1);
        results.Select(r => string.Join("|", r.Replies.Select(x => x.Text))).Distinct().Count().ShouldBe(1);
        results.ShouldAllBe(r => r.Step == Step.RequestType);
    }

    [Fact]
    public async Task Different_inputs_racing_on_two_hosts_are_each_applied_once_one_after_the_other()
    {
        var patient = await _harness.Patient().OpenAsync();
        var hostA = _harness.NewEngine();
        var hostB = _harness.NewEngine();

        var first = Task.Run(() => hostA.HandleAsync(patient.Input("1", "m1")));
        var second = Task.Run(() => hostB.HandleAsync(patient.Input("1", "m2")));
        var results = await Task.WhenAll(first, second);

        var steps = results.Select(r => r.Step).Order().ToArray();
        steps.ShouldBe([Step.RequestType, Step.Details]);
        var record = await _harness.Conversations.GetAsync(patient.Key);
        record!.State.ShouldBe("details");
    }

    [Fact]
    public async Task A_retried_submit_returns_the_same_reference_and_creates_no_second_request()
    {
        var patient = await _harness.Patient().ToReviewAsync(_harness);

        var first = await _harness.Engine.HandleAsync(patient.Input("1", "submit-msg"));
        var again = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _harness.NewEngine().HandleAsync(patient.Input("1", "submit-msg"))));

        first.Step.ShouldBe(Step.Submitted);
        var confirmation = first.Replies[first.Replies.Count - 1].Text;
        again.ShouldAllBe(r => r.Replayed && r.Replies[r.Replies.Count - 1].Text == confirmation);
        (await _harness.Requests.ListAsync(new RequestQuery { ServiceIds = ["riverside-gp"] })).Total.ShouldBe(1);
    }

    [Fact]
    public async Task A_submit_whose_state_save_failed_is_stored_once_when_retried()
    {
        var failing = new FailingSaves(_harness.Conversations);
        var patient = await _harness.Patient().ToReviewAsync(_harness);
        var engine = _harness.NewEngine(failing);

        failing.FailNext = true;
        await Should.ThrowAsync<IOException>(() => engine.HandleAsync(patient.Input("1", "submit-msg")));
        var retried = await engine.HandleAsync(patient.Input("1", "submit-msg"));

        retried.Step.ShouldBe(Step.Submitted);
        var page = await _harness.Requests.ListAsync(new RequestQuery { ServiceIds = ["riverside-gp"] });
        page.Total.ShouldBe(1);
        retried.Replies[^1].Text.ShouldContain(page.Items[0].ReferenceId);
    }

    [Fact]
    public async Task A_submit_whose_state_save_failed_then_changed_and_submitted_again_gives_one_request_as_submitted_last()
    {
        var failing = new FailingSaves(_harness.Conversations);
        var patient = await _harness.Patient().ToReviewAsync(_harness);
        var engine = _harness.NewEngine(failing);

        failing.FailNext = true;
        await Should.ThrowAsync<IOException>(() => engine.HandleAsync(patient.Input("1", "submit-msg")));
        var stored = (await _harness.Requests.ListAsync(new RequestQuery { ServiceIds = ["riverside-gp"] })).Items.ShouldHaveSingleItem();
        // Told the service could not take it, the patient changes an answer and submits again.
        await patient.SayAsync("Change an answer", engine: engine);
        await patient.SayAsync("4", engine: engine);
        await patient.SayAsync("Janet", engine: engine);
        patient.Step.ShouldBe("review");
        await patient.SayAsync("1", engine: engine);

        patient.Step.ShouldBe("submitted");
        var page = await _harness.Requests.ListAsync(new RequestQuery { ServiceIds = ["riverside-gp"] });
        var only = page.Items.ShouldHaveSingleItem();
        only.ReferenceId.ShouldBe(stored.ReferenceId);
        only.Patient.FirstName.ShouldBe("Janet");
        patient.Said.ShouldContain(stored.ReferenceId);
    }

    [Fact]
    public async Task A_submit_whose_state_save_failed_then_restarted_and_submitted_again_gives_one_request()
    {
        var failing = new FailingSaves(_harness.Conversations);
        var patient = await _harness.Patient().ToReviewAsync(_harness);
        var engine = _harness.NewEngine(failing);

        failing.FailNext = true;
        await Should.ThrowAsync<IOException>(() => engine.HandleAsync(patient.Input("1", "submit-msg")));
        await patient.SayAsync("restart", engine: engine);
        await patient.ToReviewAsync(_harness);
        await patient.SayAsync("1");

        patient.Step.ShouldBe("submitted");
        var only = (await _harness.Requests.ListAsync(new RequestQuery { ServiceIds = ["riverside-gp"] })).Items.ShouldHaveSingleItem();
        patient.Said.ShouldContain(only.ReferenceId);
    }

    [Fact]
    public async Task A_service_the_rules_do_not_know_is_refused()
    {
        await Should.ThrowAsync<UnknownServiceException>(() =>
            _harness.Engine.HandleAsync(new TurnInput("k", "no-such-service", Channel.WebChat, "x", "hi")));
    }

    /// <summary>A store whose next save fails as a lost connection would.</summary>
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
                throw new IOException("connection lost");
            }

            return inner.TrySaveAsync(record, cancellationToken);
        }

        public Task<IReadOnlyList<ConversationRecord>> ListIdleAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken = default) => inner.ListIdleAsync(cutoff, limit, cancellationToken);

        public Task<bool> TryDeleteAsync(string key, long version, CancellationToken cancellationToken = default) => inner.TryDeleteAsync(key, version, cancellationToken);
    }
}
