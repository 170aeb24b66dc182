using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Conversation.Intake.Safety;
using PatientContact.Conversation.Replies;
using PatientContact.Conversation.Verification;
using PatientContact.Inbox.Links;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;

using PatientContact.Inbox.Telemetry;
namespace PatientContact.Conversation.Intake;

/// <summary>
/// The one entry point every channel calls: given a conversation, a service and what the patient
/// sent, it works out the replies, moves the state machine and persists the result. A turn that
/// loses a race with another writer is run again on the fresh state; an input already applied is
/// answered with the replies it got the first time.
/// </summary>
public sealed partial class IntakeEngine(
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
    CodeSendLimiter? codeSendLimiter = null,
    ISentLinkStore? links = null,
    RequestReplies? replies = null,
    PatientContactTelemetry? telemetry = null)
{
    private const int MaxAttempts = 10;
    /// <summary>Enough for channel retries (Twilio retries within 15 s, Direct Line within 20 s) without bloating every save.</summary>
    private const int ProcessedInputsKept = 6;

    /// <summary>What a pooled machine holds between turns, so it never keeps a patient's session alive.</summary>
    private static readonly IntakeSession Detached = new();
    private const int MaxDetailsLength = 1000;

    private readonly ConversationLocks _locks = new();
    private readonly System.Collections.Concurrent.ConcurrentBag<IntakeMachine> _machines = [];
    private readonly ConversationOptions _options = conversationOptions.Value;
    private readonly VerificationOptions _verification = verificationOptions.Value;

    // Shared across conversations when registered; an engine built by hand (tests, tools) gets its own.
    private readonly CodeSendLimiter _codeSendLimiter = codeSendLimiter ?? new CodeSendLimiter(verificationOptions, time);

    /// <summary>Runs one turn. Throws <see cref="UnknownServiceException"/> for a service the rules do not know.</summary>
    public async Task<TurnResult> HandleAsync(TurnInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var service = rules.Current.FindService(input.ServiceId) ?? throw new UnknownServiceException(input.ServiceId);
        using var turnLock = await _locks.AcquireAsync(input.ConversationKey, cancellationToken);
        using var span = PatientContactTelemetry.Source.StartActivity("conversation.turn");
        span?.SetTag("patientcontact.channel", ChannelName(input.Channel));
        span?.SetTag("patientcontact.service", service.Id);

        for (var attempt = 1; ; attempt++)
        {
            var record = await conversations.GetAsync(input.ConversationKey, cancellationToken);
            if (record is not null && !string.Equals(record.ServiceId, service.Id, StringComparison.Ordinal))
            {
                throw new InvalidOperationException("A conversation key was used for a second service.");
            }

            var session = record is null ? NewSession(input.Channel) : SessionJson.Read(record.Data);
            if (input.InputId is not null && session.Processed.Find(p => p.Id == input.InputId) is { } done)
            {
                return new TurnResult(done.Replies, Replayed: true);
            }

            var machine = _machines.TryTake(out var pooled) ? pooled : new IntakeMachine();
            var turn = new Turn(session, service, input, time.GetUtcNow(), machine.Attach(session));
            try
            {
                await RunAsync(turn, cancellationToken);
            }
            finally
            {
                _machines.Add(machine.Attach(Detached));
            }

            if (input.InputId is not null)
            {
                session.Processed.Add(new ProcessedInput(input.InputId, turn.Replies));
                if (session.Processed.Count > ProcessedInputsKept)
                {
                    session.Processed.RemoveRange(0, session.Processed.Count - ProcessedInputsKept);
                }
            }

            var next = new ConversationRecord(
                input.ConversationKey, service.Id, session.Step.ToId(), SessionJson.Write(session), (record?.Version ?? 0) + 1, turn.Now);
            if (await conversations.TrySaveAsync(next, cancellationToken))
            {
                await RunAfterCommitAsync(turn, cancellationToken);
                span?.SetTag("patientcontact.step", session.Step.ToId());
                Record(turn);
                return new TurnResult(turn.Replies, Replayed: false);
            }

            LogTurnConflict(logger, service.Id, attempt);
            if (attempt == MaxAttempts)
            {
                throw new ConversationBusyException();
            }
        }
    }

    /// <summary>
    /// Wipes an idle conversation's answers (leaving a marker, so its next message explains), or
    /// removes one that has ended. Returns false when the conversation changed meanwhile.
    /// </summary>
    /// <remarks>
    /// The marker's UpdatedAt is set so it falls idle again only when it is due for deletion, so idle
    /// listings are not filled with markers waiting out their day.
    /// </remarks>
    public async Task<bool> ExpireAsync(ConversationRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var session = SessionJson.Read(record.Data);
        if (session.Step.IsEnd() || session.Step == Step.Welcome)
        {
            return await conversations.TryDeleteAsync(record.Key, record.Version, cancellationToken);
        }

        var wiped = NewSession(session.Channel);
        wiped.Step = Step.Expired;
        wiped.ExpiredNotice = true;
        wiped.StartedAt = wiped.LastActivityAt = session.LastActivityAt;
        var next = record with
        {
            State = wiped.Step.ToId(),
            Data = SessionJson.Write(wiped),
            Version = record.Version + 1,
            UpdatedAt = time.GetUtcNow() + ConversationPurger.MarkerLifetime - _options.IdleTimeout,
        };
        if (!await conversations.TrySaveAsync(next, cancellationToken))
        {
            return false;
        }

        await CountStopAsync(record.ServiceId, session.Step, session.LastActivityAt, cancellationToken);
        return true;
    }

    /// <summary>"Where patients stop": a conversation given up at a step, counted on the (UK) day it was last used.</summary>
    private Task CountStopAsync(string serviceId, Step step, DateTimeOffset lastActive, CancellationToken ct) =>
        counters.IncrementAsync(serviceId, UsageCounterNames.StoppedAt(step.ToId()), DateOnly.FromDateTime(LocalTime.ToLondon(lastActive).DateTime), ct);

    private async Task RunAfterCommitAsync(Turn turn, CancellationToken ct)
    {
        foreach (var effect in turn.AfterCommit)
        {
            await effect(ct);
        }

        var day = DateOnly.FromDateTime(LocalTime.ToLondon(turn.Now).DateTime);
        foreach (var counter in turn.Counts)
        {
            await counters.IncrementAsync(turn.Service.Id, counter, day, ct);
        }
    }

    private static IntakeSession NewSession(Channel channel) => new() { Channel = channel };

    private async Task RunAsync(Turn turn, CancellationToken ct)
    {
        // Every text is screened before its step reads it, whatever the step and whether or not the answer is valid.
        turn.Screened = await RedFlagScreening.ScreenAsync(rules.Current, turn.Service, turn.Input.Text);
        await RunStepAsync(turn, ct);
        ApplyScreen(turn);
    }

    /// <summary>
    /// Words that matched a red-flag rule anywhere but in accepted details (whose red-flag step says it all) are
    /// kept with the conversation for staff, and their advice goes ahead of everything else this turn says.
    /// </summary>
    private void ApplyScreen(Turn turn)
    {
        var s = turn.Session;
        if (turn.Screened.Count == 0 || turn.AddedToRequest)
        {
            return;
        }

        var words = TextInput.Clean(turn.Input.Text);
        var asDetails = s.Answers.Details == words && turn.Screened.All(f => s.Answers.RedFlags.Exists(d => d.Id == f.Id));
        if (asDetails)
        {
            return;
        }

        foreach (var flag in turn.Screened.Where(f => !s.RaisedFlags.Exists(r => r.Flag.Id == f.Id)))
        {
            s.RaisedFlags.Add(new RaisedFlag(flag, s.Step, words));
        }

        LogRedFlag(logger, turn.Service.Id, s.Step.ToId(), turn.Screened.Count);
        turn.Count("red-flag-advice");
        var later = turn.Replies.Select(r => r.Text).ToList();
        var advice = RedFlagAdvice.Without(RedFlagScreening.AdviceNow(turn.Screened, turn.Service, turn.Input.Channel), later);
        turn.Replies.Insert(0, new BotReply(advice, turn.Replies.Count > 0 ? turn.Replies[0].Step : s.Step, []) { Urgent = true });
    }

    private async Task RunStepAsync(Turn turn, CancellationToken ct)
    {
        var s = turn.Session;
        var text = turn.Input.Text is null ? null : TextInput.Clean(turn.Input.Text);
        if (await AddedToRequestAsync(turn, text, ct))
        {
            // The reply's red flags went onto the request, with their advice first in the answer.
            turn.AddedToRequest = true;
            return;
        }

        if (s.Step == Step.Expired || (s.Step != Step.Welcome && !s.Step.IsEnd() && turn.Now - s.LastActivityAt > _options.IdleTimeout))
        {
            if (s.Step != Step.Expired)
            {
                // Given up before the purger got to it: counted where it stopped, as the purger counts it.
                var (stoppedAt, lastActive) = (s.Step, s.LastActivityAt);
                turn.AfterCommit.Add(c => CountStopAsync(turn.Service.Id, stoppedAt, lastActive, c));
            }

            LogExpired(logger, turn.Service.Id);
            Reset(turn);
            turn.Say(Questions.ExpiredNotice(_options.IdleTimeout));
        }
        else if (s.Step.IsEnd() && text is not null)
        {
            Reset(turn);
        }

        s.LastActivityAt = turn.Now;
        if (s.Step == Step.Welcome)
        {
            // Whatever the first message says ("hi", or nothing when web chat opens), it starts the conversation.
            await BeginAsync(turn, ct);
            return;
        }

        if (string.IsNullOrEmpty(text))
        {
            turn.Ask(s.Step);
            return;
        }

        if (text.Length > TextInput.MaxInputLength)
        {
            turn.Invalid($"That message is too long. Please keep it to {MaxDetailsLength:N0} characters or fewer.", _options.StrikesBeforePhone);
            return;
        }

        switch (TextInput.Fold(text))
        {
            case "restart" or "start again" or "start over":
                turn.Machine.Fire(Trigger.Restart);
                Reset(turn, keepRaisedFlags: true);
                await BeginAsync(turn, ct);
                return;
            case "help":
                turn.Say(Questions.Help(turn.Service));
                turn.AskAgain();
                return;
            case "back" or "go back":
                if (s.History.Count == 0 || !turn.Machine.CanFire(Trigger.Back))
                {
                    turn.Say(Questions.FirstQuestion);
                    turn.Ask(s.Step);
                    return;
                }

                turn.Machine.Fire(Trigger.Back);
                s.History.RemoveAt(s.History.Count - 1);
                s.InvalidStreak = 0;
                await EnterAsync(turn, ct);
                return;
        }

        if (turn.Screened.Count > 0 && s.Step != Step.Details)
        {
            // Crisis words are not an answer ("I want to end my life" is no first name): the advice, then the same question.
            turn.Ask(s.Step);
            return;
        }

        await AnswerAsync(turn, text, ct);
    }

    /// <summary>
    /// A message after submission (no conversation in progress) that belongs on the patient's request: added there,
    /// and answered with the acknowledgement (see <see cref="RequestReplies"/>); the conversation is left as it was.
    /// </summary>
    private async Task<bool> AddedToRequestAsync(Turn turn, string? text, CancellationToken ct)
    {
        var s = turn.Session;
        var inProgress = s.Step != Step.Welcome && !s.Step.IsEnd() && turn.Now - s.LastActivityAt <= _options.IdleTimeout;
        var input = turn.Input;
        var answer = replies is null ? null : await replies.TryAddAsync(
            new IncomingMessage(turn.Service, input.Channel, input.ConversationKey, input.InputId, text, input.SenderPhone, input.Attachments,
                inProgress, s.Step == Step.Submitted ? s.ReferenceId : null, turn.Now),
            ct);
        if (answer is null)
        {
            return false;
        }

        foreach (var said in answer)
        {
            turn.Say(said);
        }

        return true;
    }

    private void Reset(Turn turn, bool keepRaisedFlags = false)
    {
        var fresh = NewSession(turn.Session.Channel);
        var s = turn.Session;
        s.Step = Step.Welcome;
        s.History = fresh.History;
        s.Changing = false;
        s.InvalidStreak = 0;
        s.OfferedTypes = fresh.OfferedTypes;
        s.Answers = fresh.Answers;
        // The code in play goes; the tries and sends stay, or starting again would reset the limits.
        s.Code = new CodeState { WrongTries = s.Code.WrongTries, Sends = s.Code.Sends, GaveUp = s.Code.GaveUp };
        // Until a submission is answered its reference is kept: a request stored by a try whose answer was lost becomes the next one submitted.
        s.PendingReferenceId = s.ReferenceId is null ? s.PendingReferenceId : null;
        s.ReferenceId = null;
        s.SubmittedAt = null;
        s.ExpiredNotice = false;
        s.FollowUp = null;
        if (!keepRaisedFlags)
        {
            s.RaisedFlags = [];
        }

        // Earlier replies may repeat answers (the review); they go with the answers.
        s.Processed.Clear();
        s.StartedAt = turn.Now;
    }

    private async Task BeginAsync(Turn turn, CancellationToken ct)
    {
        var service = turn.Service;
        var requestsToday = service.DailyCapacity is null
            ? 0
            : await requests.CountSinceAsync(service.Id, StartOfLocalDay(turn.Now), ct);
        var availability = await rules.Current.GetAvailabilityAsync(service, ChannelName(turn.Input.Channel), turn.Now, requestsToday);
        turn.Session.StartedAt = turn.Now;
        turn.Say(Questions.Welcome(service));
        if (turn.Input.FollowUpLinkId is { } linkId)
        {
            // The link is the channel's to give on every turn, so a restart or an expiry keeps it.
            turn.Session.FollowUp = new FollowUpState { LinkId = linkId };
            if (await FindOpenLinkAsync(turn, ct) is null)
            {
                EndLink(turn);
                return;
            }
        }

        if (!availability.IsOpen)
        {
            turn.Machine.Fire(Trigger.ServiceClosed);
            turn.Count("closed");
            turn.Replies.Add(Questions.Ask(Step.Closed, turn.Session, service, availability));
            return;
        }

        turn.Machine.Fire(Trigger.Open);
        turn.Ask(Step.Emergency);
    }

    private async Task AnswerAsync(Turn turn, string text, CancellationToken ct)
    {
        var s = turn.Session;
        var a = s.Answers;
        var strikes = _options.StrikesBeforePhone;
        if (TextInput.Fold(text) == Questions.KeepWord && Questions.Previous(s.Step, s) is not null)
        {
            // Asked again after back or a change from the review: the earlier answer stands.
            await AdvanceAsync(turn, Trigger.Answered, ct);
            return;
        }

        switch (s.Step)
        {
            case Step.Emergency:
                if (!turn.Choose(Choices.Emergency, text, strikes, out var emergency))
                {
                    return;
                }

                await AdvanceAsync(turn, emergency ? Trigger.IsEmergency : Trigger.Answered, ct);
                return;

            case Step.RequestType:
                if (!turn.Choose(Choices.RequestTypes(s.OfferedTypes), text, strikes, out var type))
                {
                    return;
                }

                a.RequestTypeId = type.Id;
                a.RequestTypeLabel = type.Label;
                await AdvanceAsync(turn, type.Kind == RequestKind.Advice ? Trigger.ChoseAdvice : Trigger.Answered, ct);
                return;

            case Step.Details:
                if (text.Length > MaxDetailsLength)
                {
                    turn.Invalid($"Please keep it to {MaxDetailsLength:N0} characters or fewer. Yours has {text.Length:N0}.", strikes);
                    return;
                }

                if (new System.Globalization.StringInfo(text).LengthInTextElements is var length && length < Questions.MinDetailsLength)
                {
                    turn.Invalid(Questions.DetailsTooShort(length), strikes);
                    return;
                }

                a.Details = text;
                a.RedFlags = [.. turn.Screened];
                a.RedFlagsAcknowledged = false;
                if (a.RedFlags.Count > 0)
                {
                    LogRedFlag(logger, turn.Service.Id, Step.Details.ToId(), a.RedFlags.Count);
                    turn.RedFlagSeverities.AddRange(a.RedFlags.Select(f => f.Severity));
                }

                await AdvanceAsync(turn, Trigger.Answered, ct);
                return;

            case Step.RedFlag:
                if (!Choices.RedFlag.TryParse(text, out var carryOn))
                {
                    turn.Invalid("Please choose 1 to carry on with your request, or 2 if you do not want to send it.", strikes);
                    return;
                }

                if (!carryOn)
                {
                    turn.Count("red-flag-stopped");
                    await AdvanceAsync(turn, Trigger.StopHere, ct);
                    return;
                }

                a.RedFlagsAcknowledged = true;
                await AdvanceAsync(turn, Trigger.Answered, ct);
                return;

            case Step.Proxy:
                if (!turn.Choose(Choices.Proxy, text, strikes, out var kind))
                {
                    return;
                }

                if (kind == SubmitterKind.Self)
                {
                    a.ProxyName = null;
                    a.ProxyRelationship = null;
                }

                a.Proxy = kind;
                await AdvanceAsync(turn, Trigger.Answered, ct);
                return;

            case Step.ProxyName:
                var proxyName = NameParser.Parse(text, "your name", maxLength: 70);
                if (!proxyName.Ok)
                {
                    turn.Invalid(proxyName.Reason!, strikes);
                    return;
                }

                a.ProxyName = proxyName.Value;
                await AdvanceAsync(turn, Trigger.Answered, ct);
                return;

            case Step.ProxyRelationship:
                if (!turn.Choose(Choices.Relationship, text, strikes, out var relationship))
                {
                    return;
                }

                a.ProxyRelationship = relationship;
                await AdvanceAsync(turn, Trigger.Answered, ct);
                return;

            case Step.FollowUpDateOfBirth:
                await ConfirmFollowUpAsync(turn, text, ct);
                return;

            case Step.FollowUpDetails:
                if (!turn.Choose(Choices.FollowUpDetails, text, strikes, out var right))
                {
                    return;
                }

                AcceptFollowUpDetails(turn, right);
                await AdvanceAsync(turn, Trigger.Answered, ct);
                return;

            case Step.FirstName or Step.LastName:
                await AnswerNameAsync(turn, text, ct);
                return;

            case Step.DateOfBirth:
                var born = DateOfBirthParser.Parse(text, DateOnly.FromDateTime(LocalTime.ToLondon(turn.Now).DateTime));
                if (!born.Ok)
                {
                    turn.Invalid(born.Reason!, strikes);
                    return;
                }

                a.DateOfBirth = born.Value;
                await AdvanceAsync(turn, Trigger.Answered, ct);
                return;

            case Step.Gender:
                if (!turn.Choose(Choices.Gender, text, strikes, out var gender))
                {
                    return;
                }

                a.Gender = gender;
                await AdvanceAsync(turn, Trigger.Answered, ct);
                return;

            case Step.Postcode:
                var postcode = PostcodeParser.Parse(text);
                if (!postcode.Ok)
                {
                    turn.Invalid(postcode.Reason!, strikes);
                    return;
                }

                a.Postcode = postcode.Value;
                await AdvanceAsync(turn, Trigger.Answered, ct);
                return;

            case Step.Phone:
                var phone = PhoneParser.Parse(text);
                if (!phone.Ok)
                {
                    turn.Invalid(phone.Reason!, strikes);
                    return;
                }

                SetPhone(turn, phone.Value!);
                await AdvanceAsync(turn, Trigger.Answered, ct);
                return;

            case Step.MobileAccess:
                if (!turn.Choose(Choices.MobileAccess, text, strikes, out var hasPhone))
                {
                    return;
                }

                a.MobileAccess = hasPhone;
                await AdvanceAsync(turn, Trigger.Answered, ct);
                return;

            case Step.Otp:
                await CheckCodeAsync(turn, text, ct);
                return;

            case Step.ContactPreference:
                if (!turn.Choose(Choices.ContactPreference, text, strikes, out var preference))
                {
                    return;
                }

                a.ContactPreference = preference;
                await AdvanceAsync(turn, Trigger.Answered, ct);
                return;

            case Step.Review:
                if (ReviewText.TryReadDetailsRequest(text, out var part))
                {
                    turn.Replies.Add(ReviewText.DetailsPart(s, part));
                    return;
                }

                if (!turn.Choose(Choices.Review, text, strikes, out var submit))
                {
                    return;
                }

                if (submit)
                {
                    await SubmitAsync(turn, ct);
                }
                else
                {
                    await AdvanceAsync(turn, Trigger.Change, ct);
                }

                return;

            case Step.Change:
                if (!turn.Choose(Choices.Change, text, strikes, out var target))
                {
                    return;
                }

                s.History.Add(Step.Change);
                s.Changing = true;
                s.InvalidStreak = 0;
                turn.Machine.ChangeTo(target);
                await EnterAsync(turn, ct);
                return;

            default:
                throw new InvalidOperationException($"No answer is read at step {s.Step.ToId()}.");
        }
    }

    /// <summary>
    /// First and last names. A first name of several words ("Jane Smith") keeps the words before the last and
    /// offers the last word as the last name; at the last name, yes takes it, no makes the whole answer the
    /// first name and asks the last name, and a name typed instead is the last name.
    /// </summary>
    private async Task AnswerNameAsync(Turn turn, string text, CancellationToken ct)
    {
        var a = turn.Session.Answers;
        var strikes = _options.StrikesBeforePhone;
        if (turn.Session.Step == Step.LastName && a.SuggestedLastName is { } suggested)
        {
            var whole = $"{a.FirstName} {suggested}";
            var typed = NameParser.Parse(text, "last name");
            if (typed.Ok && string.Equals(typed.Value, suggested, StringComparison.OrdinalIgnoreCase))
            {
                (a.LastName, a.SuggestedLastName) = (suggested, null);
            }
            else if (Choices.SuggestedLastName.Match(text) is { Outcome: ChoiceOutcome.Chosen } choice)
            {
                a.SuggestedLastName = null;
                if (!choice.Value)
                {
                    a.FirstName = whole;
                    turn.Ask(Step.LastName);
                    return;
                }

                a.LastName = suggested;
            }
            else if (typed.Ok)
            {
                (a.FirstName, a.LastName, a.SuggestedLastName) = (whole, typed.Value, null);
            }
            else
            {
                turn.Invalid(typed.Reason!, strikes);
                return;
            }

            await AdvanceAsync(turn, Trigger.Answered, ct);
            return;
        }

        var first = turn.Session.Step == Step.FirstName;
        var name = NameParser.Parse(text, first ? "first name" : "last name");
        if (!name.Ok)
        {
            turn.Invalid(name.Reason!, strikes);
            return;
        }

        if (!first)
        {
            a.LastName = name.Value;
        }
        else if (NameParser.TrySplitLastWord(name.Value!, out var given, out var last))
        {
            // "Jane Smith" when the last name given is already Smith: nothing to ask.
            var known = string.Equals(last, a.LastName, StringComparison.OrdinalIgnoreCase);
            (a.FirstName, a.SuggestedLastName) = (given, known ? null : last);
        }
        else
        {
            (a.FirstName, a.SuggestedLastName) = (name.Value!, null);
        }

        await AdvanceAsync(turn, Trigger.Answered, ct);
    }

    private static void SetPhone(Turn turn, UkPhone phone)
    {
        var a = turn.Session.Answers;
        if (a.Phone != phone.E164)
        {
            a.Verified = false;
            a.VerifiedBy = null;
            a.MobileAccess = null;
            a.ContactPreference = null;
            turn.Session.Code.Hash = null;
            turn.Session.Code.ExpiresAt = null;
        }

        a.Phone = phone.E164;
        a.PhoneIsMobile = phone.IsMobile;
        if (!phone.IsMobile)
        {
            a.ContactPreference = ContactPreference.Phone;
        }

        // On SMS, a reply from the very number given shows the patient holds it.
        if (turn.Input.Channel == Channel.Sms && phone.IsMobile && phone.E164 == turn.Input.SenderPhone)
        {
            a.Verified = true;
            a.VerifiedBy = VerifiedBy.SmsChannel;
        }
    }

    private async Task CheckCodeAsync(Turn turn, string text, CancellationToken ct)
    {
        var code = turn.Session.Code;
        var folded = TextInput.Fold(text);
        if (folded is "resend" or "resend code" or "send again" or "new code")
        {
            if (code.Sends >= _verification.MaxSends)
            {
                await GiveUpCodeAsync(turn, "We can't send any more codes.", ct);
                return;
            }

            if (!await TrySendCodeAsync(turn, ct))
            {
                return;
            }

            turn.Say("We've sent a new code.");
            turn.Ask(Step.Otp);
            return;
        }

        var digits = folded.Replace(" ", string.Empty, StringComparison.Ordinal);
        if (digits.Length != 6 || !digits.All(char.IsAsciiDigit))
        {
            turn.Invalid("The code is 6 digits, like 123456. If it hasn't arrived, reply resend.", _options.StrikesBeforePhone);
            return;
        }

        if (code.Hash is null || code.ExpiresAt is null || turn.Now >= code.ExpiresAt)
        {
            turn.Invalid("That code has expired. Reply resend for a new one.", _options.StrikesBeforePhone);
            return;
        }

        if (codes.Matches(turn.Input.ConversationKey, digits, code.Hash))
        {
            code.Hash = null;
            code.ExpiresAt = null;
            turn.Session.Answers.Verified = true;
            turn.Session.Answers.VerifiedBy = VerifiedBy.Code;
            turn.Say("Thank you, that code is right.");
            await AdvanceAsync(turn, Trigger.Answered, ct);
            return;
        }

        code.WrongTries++;
        LogWrongCode(logger, turn.Service.Id, code.WrongTries);
        if (code.WrongTries >= _verification.MaxWrongTries)
        {
            await GiveUpCodeAsync(turn, "That code is not right, and there are no tries left.", ct);
            return;
        }

        var left = _verification.MaxWrongTries - code.WrongTries;
        turn.Invalid($"That code is not right. You have {left} {(left == 1 ? "try" : "tries")} left. Reply resend for a new code.", int.MaxValue);
    }

    private async Task GiveUpCodeAsync(Turn turn, string why, CancellationToken ct)
    {
        var code = turn.Session.Code;
        code.GaveUp = true;
        code.Hash = null;
        code.ExpiresAt = null;
        turn.Say($"{why} We'll carry on without checking your phone. Your request will still reach us.");
        await AdvanceAsync(turn, Trigger.Answered, ct);
    }

    /// <summary>Sends a code unless the number is not a UK mobile or a rate limit is reached; then carries on unverified, saying why.</summary>
    private async Task<bool> TrySendCodeAsync(Turn turn, CancellationToken ct)
    {
        var a = turn.Session.Answers;
        if (SenderNumbers.For(turn.Service) is null)
        {
            // A service with no SMS number (web chat only) cannot text a code: carry on, never wait for one that cannot come.
            await GiveUpCodeAsync(turn, "We can't text a code from this service.", ct);
            return false;
        }

        if (_codeSendLimiter.TryAcquire(a.Phone, a.PhoneIsMobile, turn.Input.ClientAddress, turn.Input.SenderPhone) is { } refusal)
        {
            LogCodeRefused(logger, turn.Service.Id, refusal);
            await GiveUpCodeAsync(turn, CodeSendLimiter.Explain(refusal), ct);
            return false;
        }

        SendCode(turn);
        return true;
    }

    private void SendCode(Turn turn)
    {
        var session = turn.Session;
        var value = OneTimeCodes.NewCode();
        session.Code.Sends++;
        session.Code.Hash = codes.Hash(turn.Input.ConversationKey, value);
        session.Code.ExpiresAt = turn.Now + _verification.CodeLifetime;
        var to = session.Answers.Phone!;
        var body = $"{value} is your code for {turn.Service.Name}. It expires in {_verification.CodeLifetime.TotalMinutes:0} minutes. Do not share it with anyone.";
        var key = $"otp:{turn.Input.ConversationKey}:{session.StartedAt.ToUnixTimeMilliseconds()}:{session.Code.Sends}";
        var seconds = (int)_verification.CodeLifetime.TotalSeconds;
        var from = SenderNumbers.For(turn.Service);
        turn.AfterCommit.Add(ct => sender.QueueAsync(new OutboundText(to, body, OutboxSecrets.CodePurpose, key, seconds, from), ct));
    }

    private async Task SubmitAsync(Turn turn, CancellationToken ct)
    {
        var s = turn.Session;
        FollowUpTag? tag = null;
        if (s.FollowUp is { } followUp)
        {
            if (await FindOpenLinkAsync(turn, ct) is not { } link)
            {
                EndLink(turn);
                return;
            }

            // The NHS number staff gave goes with the request only when the patient said the details held are theirs.
            tag = new FollowUpTag(link.Id, link.Pathway ?? string.Empty, followUp.Stage == FollowUpStage.Accepted ? link.NhsNumber : null);
        }

        var referenceId = s.PendingReferenceId ??= ReferenceIds.New();
        ContactRequest submitted;
        for (var collisions = 0; ; collisions++)
        {
            var request = submitted = BuildRequest(turn, referenceId) with { FollowUp = tag };
            if (await requests.AddAsync(request, ct) == AddResult.Added)
            {
                LogSubmitted(logger, turn.Service.Id, referenceId);
                break;
            }

            var existing = await requests.GetAsync(referenceId, ct);
            if (existing?.ConversationKey == turn.Input.ConversationKey)
            {
                // Stored by an earlier try whose answer was lost (a fault after the insert): the same turn
                // again, or the patient changed an answer and submitted again. One request, as submitted last.
                await ReplaceIfChangedAsync(existing, request, turn.Now, ct);
                break;
            }

            if (collisions == 5)
            {
                throw new InvalidOperationException("Could not find a free reference ID.");
            }

            referenceId = s.PendingReferenceId = ReferenceIds.New();
        }

        s.ReferenceId = referenceId;
        s.SubmittedAt = turn.Now;
        turn.Machine.Fire(Trigger.Submit);
        turn.Count("submitted");
        if (DutyAlerts.For(turn.Service, submitted) is { } alert)
        {
            turn.AfterCommit.Add(c => QueueDutyAlertAsync(alert, turn.Service.Id, referenceId, c));
        }

        var a = s.Answers;
        var textedAlready = turn.Input.Channel == Channel.Sms && a.Phone == turn.Input.SenderPhone;
        if (a.PhoneIsMobile && !textedAlready && SenderNumbers.For(turn.Service) is { } from)
        {
            var body = Confirmation.Wrap($"{turn.Service.Name}: we have your request, reference {referenceId}. We'll reply {turn.Service.ResponsePromise}.", s, turn.Service);
            var to = a.Phone!;
            var onRequest = new RequestLink(referenceId, turn.Service.Id);
            turn.AfterCommit.Add(c => sender.QueueAsync(new OutboundText(to, body, "confirmation", $"confirmation:{referenceId}", From: from, OnRequest: onRequest), c));
        }

        turn.Ask(Step.Submitted);
    }

    /// <summary>Gives the stored request what the patient submitted last; staff's changes to it stay, and changed details are matched again.</summary>
    private async Task ReplaceIfChangedAsync(ContactRequest existing, ContactRequest submitted, DateTimeOffset now, CancellationToken ct)
    {
        var replacement = existing with
        {
            RequestTypeId = submitted.RequestTypeId,
            RequestType = submitted.RequestType,
            Details = submitted.Details,
            Patient = submitted.Patient,
            SubmittedBy = submitted.SubmittedBy,
            Contact = submitted.Contact,
            RedFlags = existing.RedFlags.SequenceEqual(submitted.RedFlags) ? existing.RedFlags : submitted.RedFlags,
            FollowUp = submitted.FollowUp,
        };
        if (replacement == existing)
        {
            return;
        }

        var rematch = replacement.Patient != existing.Patient || replacement.Contact != existing.Contact || replacement.FollowUp != existing.FollowUp;
        replacement = replacement with
        {
            Match = rematch ? MatchResult.Pending : existing.Match,
            UpdatedAt = now,
            Version = existing.Version + 1,
        };
        if (!await requests.TryUpdateAsync(replacement, ct))
        {
            // Changed by someone else between the read and the write: this turn fails, and its retry reads again.
            throw new InvalidOperationException("The stored request changed while the resubmission was written.");
        }

        LogResubmitted(logger, existing.ServiceId, existing.ReferenceId);
    }

    private async Task QueueDutyAlertAsync(OutboundText alert, string serviceId, string referenceId, CancellationToken ct)
    {
        // A repeat of the same request's alert queues nothing; a duty number that sent STOP gets nothing either.
        var queued = await sender.QueueAsync(alert, ct);
        if (queued == QueueResult.Queued)
        {
            LogDutyAlert(logger, serviceId, referenceId);
        }
        else if (queued != QueueResult.AlreadyQueued)
        {
            LogDutyAlertNotQueued(logger, serviceId, referenceId, queued);
        }
    }

    private static ContactRequest BuildRequest(Turn turn, string referenceId)
    {
        var a = turn.Session.Answers;
        return new ContactRequest
        {
            ReferenceId = referenceId,
            ServiceId = turn.Service.Id,
            RequestTypeId = a.RequestTypeId!,
            RequestType = a.RequestTypeLabel!,
            Details = a.Details!,
            CreatedAt = turn.Now,
            UpdatedAt = turn.Now,
            Patient = new PatientDetails(a.FirstName!, a.LastName!, a.DateOfBirth!.Value, a.Gender!.Value, a.Postcode!),
            SubmittedBy = new Submitter(a.Proxy!.Value, a.Proxy == SubmitterKind.Proxy ? a.ProxyName : null, a.Proxy == SubmitterKind.Proxy ? a.ProxyRelationship : null),
            Contact = new ContactDetails(a.Phone!, a.Verified, a.ContactPreference ?? ContactPreference.Phone),
            RedFlags = StaffFlags(turn.Session),
            Channel = turn.Input.Channel,
            ConversationKey = turn.Input.ConversationKey,
        };
    }

    /// <summary>The details' red flags, then those raised at other steps with the step and the words that raised them.</summary>
    private static List<RedFlagHit> StaffFlags(IntakeSession session)
    {
        var flags = session.Answers.RedFlags.Select(f => new RedFlagHit(f.Id, f.Severity, f.Advice)).ToList();
        foreach (var raised in session.RaisedFlags.Where(r => flags.TrueForAll(f => f.Id != r.Flag.Id)))
        {
            flags.Add(new RedFlagHit(raised.Flag.Id, raised.Flag.Severity, raised.Flag.Advice, raised.Step.ToId(), raised.Words));
        }

        return flags;
    }

    /// <summary>
    /// The date of birth on a personal follow-up link. When it is the one staff gave (and the link is still open
    /// and has tries left), the details held are offered next; otherwise nothing is shown or hinted, the date is
    /// kept as the patient's answer and the usual questions follow. A date that does not match counts against the link.
    /// </summary>
    private async Task ConfirmFollowUpAsync(Turn turn, string text, CancellationToken ct)
    {
        var born = DateOfBirthParser.Parse(text, DateOnly.FromDateTime(LocalTime.ToLondon(turn.Now).DateTime));
        if (!born.Ok)
        {
            turn.Invalid(born.Reason!, _options.StrikesBeforePhone);
            return;
        }

        var followUp = turn.Session.FollowUp!;
        var link = await FindOpenLinkAsync(turn, ct);
        if (link is null)
        {
            EndLink(turn);
            return;
        }

        var a = turn.Session.Answers;
        UndoFollowUpDetails(turn);
        a.DateOfBirth = born.Value;
        var matches = link.DateOfBirth == born.Value;
        if (matches && link.FailedConfirmations < _options.FollowUpConfirmationTries)
        {
            followUp.Stage = FollowUpStage.Offered;
            followUp.OfferedFirstName = link.FirstName;
            followUp.OfferedLastName = link.LastName;
            followUp.OfferedPhone = link.Phone;
        }
        else
        {
            followUp.Stage = FollowUpStage.NotOffered;
            if (!matches)
            {
                LogFollowUpNotConfirmed(logger, turn.Service.Id);
                turn.AfterCommit.Add(c => CountFailedConfirmationAsync(link.Id, c));
            }
        }

        await AdvanceAsync(turn, Trigger.Answered, ct);
    }

    /// <summary>"Yes, they're right" makes the details held the answers; "no" asks the questions as usual.</summary>
    private static void AcceptFollowUpDetails(Turn turn, bool right)
    {
        var followUp = turn.Session.FollowUp!;
        UndoFollowUpDetails(turn);
        if (!right)
        {
            followUp.Stage = FollowUpStage.Declined;
            return;
        }

        var a = turn.Session.Answers;
        a.FirstName = followUp.OfferedFirstName;
        a.LastName = followUp.OfferedLastName;
        var phone = PhoneParser.Parse(followUp.OfferedPhone ?? string.Empty);
        if (phone.Ok)
        {
            SetPhone(turn, phone.Value!);
        }

        followUp.Stage = phone.Ok ? FollowUpStage.Accepted : FollowUpStage.Declined;
    }

    /// <summary>Takes back details accepted earlier (the patient went back and answers again).</summary>
    private static void UndoFollowUpDetails(Turn turn)
    {
        var followUp = turn.Session.FollowUp!;
        if (followUp.Stage != FollowUpStage.Accepted)
        {
            return;
        }

        var a = turn.Session.Answers;
        a.FirstName = a.LastName = null;
        a.Phone = null;
        a.PhoneIsMobile = false;
        a.MobileAccess = null;
        a.Verified = false;
        a.VerifiedBy = null;
        a.ContactPreference = null;
        followUp.Stage = FollowUpStage.Offered;
    }

    /// <summary>The conversation's follow-up link when it is still open for this service; null when it has ended, was ended early, or is not this service's.</summary>
    private async Task<SentLink?> FindOpenLinkAsync(Turn turn, CancellationToken ct)
    {
        if (links is null || turn.Session.FollowUp is not { } followUp)
        {
            return null;
        }

        var link = await links.GetAsync(followUp.LinkId, ct);
        return link is { Kind: SentLinkKind.FollowUp } && link.ServiceId == turn.Service.Id && link.IsOpenAt(turn.Now) ? link : null;
    }

    private void EndLink(Turn turn)
    {
        LogLinkEnded(logger, turn.Service.Id);
        turn.Machine.Fire(Trigger.LinkEnded);
        turn.Count("follow-up-link-ended");
        turn.Replies.Add(BotReply.Say(Questions.LinkEnded(turn.Service, _options.PublicBaseUrl), Step.LinkEnded));
    }

    private async Task CountFailedConfirmationAsync(string linkId, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (await links!.GetAsync(linkId, ct) is not { } link
                || await links.TryUpdateAsync(link with { FailedConfirmations = link.FailedConfirmations + 1, Version = link.Version + 1 }, ct))
            {
                return;
            }
        }
    }

    /// <summary>Fires a forward move, remembers where it came from (for back), then enters the new step.</summary>
    private async Task AdvanceAsync(Turn turn, Trigger trigger, CancellationToken ct)
    {
        var from = turn.Session.Step;
        turn.Machine.Fire(trigger);
        turn.Session.History.Add(from);
        turn.Session.InvalidStreak = 0;
        await EnterAsync(turn, ct);
    }

    /// <summary>What happens on arriving at a step, then its question.</summary>
    private async Task EnterAsync(Turn turn, CancellationToken ct)
    {
        var s = turn.Session;
        switch (s.Step)
        {
            case Step.RequestType:
                s.OfferedTypes = [.. await rules.Current.GetRequestTypesAsync(turn.Service, ChannelName(turn.Input.Channel), turn.Now)];
                if (s.OfferedTypes.Count == 0)
                {
                    throw new InvalidOperationException($"The rules offer no request types for service {turn.Service.Id}.");
                }

                break;
            case Step.Otp:
                var code = s.Code;
                if (code.WrongTries >= _verification.MaxWrongTries || (code.Sends >= _verification.MaxSends && (code.Hash is null || turn.Now >= code.ExpiresAt)))
                {
                    await GiveUpCodeAsync(turn, "We can't send another code to check your phone.", ct);
                    return;
                }

                if ((code.Hash is null || turn.Now >= code.ExpiresAt) && !await TrySendCodeAsync(turn, ct))
                {
                    return;
                }

                break;
            case Step.Review:
                s.Changing = false;
                // Kept until a submission is answered: one stored by a try whose answer was lost is found again, however the answers changed since.
                s.PendingReferenceId ??= ReferenceIds.New();
                s.Answers.SuggestedLastName = null;
                break;
            case Step.EmergencyAdvice:
                turn.Count("emergency-advice");
                break;
            case Step.Advice:
                turn.Count("advice");
                break;
        }

        turn.Ask(s.Step);
    }

    private static DateTimeOffset StartOfLocalDay(DateTimeOffset now)
    {
        var local = LocalTime.ToLondon(now);
        var midnight = local.Date;
        return new DateTimeOffset(midnight, LocalTime.London.GetUtcOffset(midnight));
    }

    /// <summary>The turn's metrics, once it is stored: the step it left the patient at, and what happened on the way.</summary>
    private void Record(Turn turn)
    {
        if (telemetry is null)
        {
            return;
        }

        var channel = ChannelName(turn.Input.Channel);
        telemetry.Turn(channel, turn.Session.Step.ToId());
        foreach (var counter in turn.Counts)
        {
            if (counter == "submitted")
            {
                telemetry.Submitted(channel, turn.Service.Id);
            }
            else if (counter == "emergency-advice")
            {
                telemetry.EmergencyAdviceShown(channel, turn.Service.Id);
            }
        }

        foreach (var severity in turn.RedFlagSeverities)
        {
            telemetry.RedFlag(severity);
        }
    }

    public static string ChannelName(Channel channel) => channel switch
    {
        Channel.Sms => PatientContact.Rules.Channels.Sms,
        Channel.WebChat => PatientContact.Rules.Channels.WebChat,
        _ => PatientContact.Rules.Channels.Terminal,
    };

    /// <summary>The working state of one turn.</summary>
    private sealed class Turn(IntakeSession session, ServiceDefinition service, TurnInput input, DateTimeOffset now, IntakeMachine machine)
    {
        public IntakeSession Session { get; } = session;
        public ServiceDefinition Service { get; } = service;
        public TurnInput Input { get; } = input;
        public DateTimeOffset Now { get; } = now;
        public IntakeMachine Machine { get; } = machine;
        public List<BotReply> Replies { get; } = [];

        /// <summary>Side effects that must only happen once the new state is safely stored (texts, counters).</summary>
        public List<Func<CancellationToken, Task>> AfterCommit { get; } = [];

        public void Say(string text) => Replies.Add(BotReply.Say(text, Session.Step));

        public void Ask(Step step) => Replies.Add(Questions.Ask(step, Session, Service));

        /// <summary>The question again after another message. By SMS the review is asked in short, so the message before it still fits.</summary>
        public void AskAgain() =>
            Replies.Add(Session.Step == Step.Review && Session.Channel == Channel.Sms ? ReviewText.AskInShort() : Questions.Ask(Session.Step, Session, Service));

        public void Invalid(string reason, int strikes)
        {
            Session.InvalidStreak++;
            var text = Session.InvalidStreak >= strikes ? $"{reason} {Questions.Strikes(Service)}" : reason;
            Replies.Add(BotReply.Say(text, Session.Step));
            Ask(Session.Step);
        }

        /// <summary>
        /// Reads a choice. An answer that fits several choices asks which one (not counted as a wrong answer);
        /// one that fits none says how to answer. Either way the question is asked again and false returned.
        /// </summary>
        public bool Choose<T>(ChoiceSet<T> choices, string text, int strikes, out T value)
        {
            var match = choices.Match(text);
            value = match.Value!;
            switch (match.Outcome)
            {
                case ChoiceOutcome.Chosen:
                    return true;
                case ChoiceOutcome.Ambiguous:
                    Say(Questions.WhichOne(choices, match.Candidates));
                    Ask(Session.Step);
                    return false;
                default:
                    Invalid(Questions.ChoiceError(choices), strikes);
                    return false;
            }
        }

        public void Count(string counter) => Counts.Add(counter);

        /// <summary>The red-flag rules this turn's text matched, most serious first.</summary>
        public IReadOnlyList<RedFlagMatch> Screened { get; set; } = [];

        /// <summary>The text went onto a submitted request rather than into the conversation.</summary>
        public bool AddedToRequest { get; set; }

        public List<string> Counts { get; } = [];

        /// <summary>The severity of each red flag found in this turn's answer, for the metrics.</summary>
        public List<string> RedFlagSeverities { get; } = [];
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Turn for service {ServiceId} lost a race on attempt {Attempt}; running it again on fresh state")]
    private static partial void LogTurnConflict(ILogger logger, string serviceId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {ReferenceId} submitted to service {ServiceId}")]
    private static partial void LogSubmittedCore(ILogger logger, string referenceId, string serviceId);

    private static void LogSubmitted(ILogger logger, string serviceId, string referenceId) => LogSubmittedCore(logger, referenceId, serviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {ReferenceId} for service {ServiceId}, stored by a try whose answer was lost, now holds what was submitted again")]
    private static partial void LogResubmittedCore(ILogger logger, string referenceId, string serviceId);

    private static void LogResubmitted(ILogger logger, string serviceId, string referenceId) => LogResubmittedCore(logger, referenceId, serviceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Duty alert queued for emergency request {ReferenceId} of service {ServiceId}")]
    private static partial void LogDutyAlertCore(ILogger logger, string referenceId, string serviceId);

    private static void LogDutyAlert(ILogger logger, string serviceId, string referenceId) => LogDutyAlertCore(logger, referenceId, serviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Duty alert for emergency request {ReferenceId} of service {ServiceId} was not queued: {Result}")]
    private static partial void LogDutyAlertNotQueuedCore(ILogger logger, string referenceId, string serviceId, QueueResult result);

    private static void LogDutyAlertNotQueued(ILogger logger, string serviceId, string referenceId, QueueResult result) => LogDutyAlertNotQueuedCore(logger, referenceId, serviceId, result);

    [LoggerMessage(Level = LogLevel.Information, Message = "A conversation for service {ServiceId} expired; its answers were deleted")]
    private static partial void LogExpired(ILogger logger, string serviceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Words sent to service {ServiceId} at step {Step} matched {Count} red-flag rule(s)")]
    private static partial void LogRedFlag(ILogger logger, string serviceId, string step, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "No one-time code sent for service {ServiceId}: {Refusal}")]
    private static partial void LogCodeRefused(ILogger logger, string serviceId, CodeSendRefusal refusal);

    [LoggerMessage(Level = LogLevel.Information, Message = "A follow-up link conversation for service {ServiceId} gave a date of birth that did not match; no details were shown")]
    private static partial void LogFollowUpNotConfirmed(ILogger logger, string serviceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "A follow-up link for service {ServiceId} has ended; the conversation was told so")]
    private static partial void LogLinkEnded(ILogger logger, string serviceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrong one-time code for service {ServiceId} ({Tries} wrong in this conversation)")]
    private static partial void LogWrongCode(ILogger logger, string serviceId, int tries);
}

/// <summary>The rules name no service with this id.</summary>
public sealed class UnknownServiceException(string serviceId) : Exception("No service has this id.")
{
    public string ServiceId { get; } = serviceId;
}

/// <summary>A turn kept losing races with other writers; the channel should ask the patient to try again.</summary>
public sealed class ConversationBusyException() : Exception("The conversation is busy; try again.");
