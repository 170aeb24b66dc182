using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Conversation.Intake.Safety;
using PatientContact.Conversation.Intake.Steps;
using PatientContact.Conversation.Replies;
using PatientContact.Conversation.Verification;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Telemetry;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake;

/// <summary>
/// The one entry point every channel calls: given a conversation, a service and what the patient sent, it loads the
/// conversation, screens the text, runs the commands every step has (restart, help, back) or hands the answer to the
/// step (<c>Steps/</c>), stores the result and only then sends what the turn queued. A turn that loses a race with
/// another writer is run again on the fresh state; an input already applied is answered with the replies it got the
/// first time.
/// </summary>
public sealed class IntakeEngine
{
    private const int MaxAttempts = 10;

    /// <summary>What a pooled machine holds between turns, so it never keeps a patient's session alive.</summary>
    private static readonly IntakeSession Detached = new();

    private readonly IConversationStore _conversations;
    private readonly IRuleBookProvider _rules;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RequestReplies? _replies;
    private readonly HeldPhotos _photos;
    private readonly ConversationOptions _options;
    private readonly StepServices _steps;
    private readonly TurnMetrics _metrics;
    private readonly AppliedInputs _inputs;
    private readonly ConversationLocks _locks = new();
    private readonly ConcurrentBag<IntakeMachine> _machines = [];

    public IntakeEngine(
        IConversationStore conversations,
        IRequestStore requests,
        IRuleBookProvider rules,
        IOutboundSender sender,
        IUsageCounterStore counters,
        OneTimeCodes codes,
        TimeProvider time,
        IOptions<ConversationOptions> conversationOptions,
        IOptions<VerificationOptions> verificationOptions,
        ILogger<IntakeEngine> logger,
        CodeSendLimiter codeSendLimiter,
        ISentLinkStore? links = null,
        RequestReplies? replies = null,
        PatientContactTelemetry? telemetry = null,
        IInputIndex? inputs = null,
        IAttachmentStore? attachments = null,
        Inbox.Web.PublicAddress? publicAddress = null)
    {
        ArgumentNullException.ThrowIfNull(conversationOptions);
        ArgumentNullException.ThrowIfNull(verificationOptions);
        (_conversations, _rules, _time, _logger, _replies) = (conversations, rules, time, logger, replies);
        _photos = new HeldPhotos(attachments);
        _inputs = new AppliedInputs(inputs);
        _options = conversationOptions.Value;
        _metrics = new TurnMetrics(counters, telemetry);
        _steps = StepServices.Create(rules, requests, sender, codes, codeSendLimiter, links, _options, publicAddress?.Configured, verificationOptions.Value, _metrics, logger, attachments);
    }

    /// <summary>Runs one turn. Throws <see cref="UnknownServiceException"/> for a service the rules do not know.</summary>
    public async Task<TurnResult> HandleAsync(TurnInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var service = _rules.Current.FindService(input.ServiceId) ?? throw new UnknownServiceException(input.ServiceId);
        using var turnLock = await _locks.AcquireAsync(input.ConversationKey, cancellationToken);
        using var span = PatientContactTelemetry.Source.StartActivity("conversation.turn");
        span?.SetTag("patientcontact.channel", input.Channel.RuleName());
        span?.SetTag("patientcontact.service", service.Id);

        // A client's input id (MessageSid, clientActivityID) is looked up in the input index with the conversation's own read.
        var appliedKey = _inputs.KeyToRecord(input);
        for (var attempt = 1; ; attempt++)
        {
            var (record, appliedBefore) = appliedKey is null
                ? new ConversationRead(await _conversations.GetAsync(input.ConversationKey, cancellationToken), false)
                : await _conversations.GetWithInputAsync(input.ConversationKey, appliedKey, cancellationToken);
            if (record is not null && !string.Equals(record.ServiceId, service.Id, StringComparison.Ordinal))
            {
                throw new InvalidOperationException("A conversation key was used for a second service.");
            }

            var session = record is null ? new IntakeSession { Channel = input.Channel } : SessionJson.Read(record.Data, _rules.Current);
            if (input.InputId is not null && session.Processed.Find(p => p.Id == input.InputId) is { } done)
            {
                return new TurnResult(done.Replies, Replayed: true);
            }

            // Older than the session's last few inputs, but applied: answered with nothing, never applied again.
            if (appliedBefore)
            {
                return new TurnResult([], Replayed: true);
            }

            var photosBefore = HeldPhotos.Unsubmitted(session);
            var machine = _machines.TryTake(out var pooled) ? pooled : new IntakeMachine();
            var turn = new Turn(session, service, input, _time.GetUtcNow(), machine.Attach(session), _steps);
            try
            {
                // Every text is screened before its step reads it, whatever the step and whether or not the answer is valid.
                turn.Screened = await RedFlagScreening.ScreenAsync(_rules.Current, service, input.Text);
                await RunStepAsync(turn, cancellationToken);
                TurnScreening.Apply(turn, _logger);
            }
            finally
            {
                _machines.Add(machine.Attach(Detached));
            }

            if (input.InputId is not null)
            {
                session.Remember(input.InputId, turn.Replies);
            }

            // The input's key and the channel's limit count are written with the conversation: one write a turn.
            var next = new ConversationRecord(
                input.ConversationKey, service.Id, session.Step.ToId(), SessionJson.Write(session), (record?.Version ?? 0) + 1, turn.Now)
            {
                AppliedInput = appliedKey,
                Counted = input.Counted,
            };
            if (await _conversations.TrySaveAsync(next, cancellationToken))
            {
                foreach (var effect in turn.AfterCommit)
                {
                    await effect(cancellationToken);
                }

                await _photos.DeleteDroppedAsync(photosBefore, session, cancellationToken);

                await _metrics.CountAsync(turn, cancellationToken);
                span?.SetTag("patientcontact.step", session.Step.ToId());
                _metrics.Record(turn);
                return new TurnResult(turn.Replies, Replayed: false);
            }

            IntakeLog.TurnConflict(_logger, service.Id, attempt);
            if (attempt == MaxAttempts)
            {
                throw new ConversationBusyException();
            }
        }
    }

    /// <summary>
    /// Wipes an idle conversation's answers (leaving a marker, so its next message explains), or removes one that has
    /// ended; false when it changed meanwhile. The marker falls idle again only when due for deletion, so idle listings
    /// are not filled with markers waiting out their day.
    /// </summary>
    public async Task<bool> ExpireAsync(ConversationRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var session = SessionJson.Read(record.Data, rules: null);
        if (session.Step.IsEnd() || session.Step == Step.Welcome)
        {
            return await _conversations.TryDeleteAsync(record.Key, record.Version, cancellationToken);
        }

        var wiped = new IntakeSession { Channel = session.Channel, Step = Step.Expired, ExpiredNotice = true };
        wiped.StartedAt = wiped.LastActivityAt = session.LastActivityAt;
        var next = record with
        {
            State = wiped.Step.ToId(),
            Data = SessionJson.Write(wiped),
            Version = record.Version + 1,
            UpdatedAt = _time.GetUtcNow() + ConversationPurger.MarkerLifetime - _options.IdleTimeout,
        };
        if (!await _conversations.TrySaveAsync(next, cancellationToken))
        {
            return false;
        }

        await _metrics.CountStopAsync(record.ServiceId, session.Step, session.LastActivityAt, cancellationToken);
        await _photos.DeleteAsync([.. session.Answers.Photos.Select(p => p.Id)], cancellationToken);
        return true;
    }

    /// <summary>The ids of the photos a stored conversation holds that no request has taken (it is not at the submitted step).</summary>
    public static IReadOnlyList<string> UnsubmittedPhotos(ConversationRecord record) =>
        HeldPhotos.Unsubmitted(SessionJson.Read((record ?? throw new ArgumentNullException(nameof(record))).Data, rules: null));

    private async Task RunStepAsync(Turn turn, CancellationToken ct)
    {
        var s = turn.Session;
        var text = turn.Input.Text is null ? null : TextInput.Clean(turn.Input.Text);
        var inProgress = IsOpen(s.Step) && turn.Now - s.LastActivityAt <= _options.IdleTimeout;
        if (_replies is not null && await _replies.AddedToRequestAsync(turn, text, inProgress, ct))
        {
            return;
        }

        if (s.Step == Step.Expired || (IsOpen(s.Step) && turn.Now - s.LastActivityAt > _options.IdleTimeout))
        {
            ExpiredStep.StartAgain(turn);
        }
        else if (s.Step.IsEnd() && text is not null)
        {
            s.StartAgain(turn.Now);
        }

        s.LastActivityAt = turn.Now;
        if (await PhotosStep.ArrivedAsync(turn, text, ct))
        {
            return;
        }

        if (s.Step == Step.Welcome)
        {
            // Whatever the first message says ("hi", or nothing when web chat opens), it starts the conversation.
            await WelcomeStep.BeginAsync(turn, ct);
        }
        else if (text is null || (text.Length == 0 && turn.Input.Channel is not (Inbox.Requests.Channel.Form or Inbox.Requests.Channel.Staff)))
        {
            // On a page an empty answer is a field left blank, told as the step's own reason; in a chat it only asks again.
            turn.Ask(s.Step);
        }
        else if (text.Length > TextInput.MaxInputLength)
        {
            turn.Invalid($"That message is too long. Please keep it to {DetailsStep.MaxLength:N0} characters or fewer.");
        }
        else if (!await Commands.RunAsync(turn, text, ct))
        {
            await IntakeSteps.AnswerAsync(turn, text, ct);
        }
    }

    /// <summary>A conversation under way: past the welcome and not ended.</summary>
    private static bool IsOpen(Step step) => step != Step.Welcome && !step.IsEnd();
}
