using Microsoft.Extensions.Options;
using PatientContact.Conversation.Intake;
using PatientContact.Inbox.Attachments;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.Conversation.Channels.Form;

/// <summary>One posted page: the step it showed, its own id (a repeat is answered, not applied again), and what it sent.</summary>
/// <param name="Change">From a review "Change" link: the step whose answer is being changed.</param>
/// <param name="Command">A second button: <c>back</c>, <c>resend</c> (a new code) or <c>identity-checked</c> (staff only).</param>
public sealed record FormPost(string Step, string InputId, string Answer, string? Change, string? Command);

/// <summary>What a post did: the step before and after, and the replies of the turn that counts.</summary>
/// <param name="Stale">The page was not the conversation's current step (an old tab, or a post already applied): nothing was run.</param>
public sealed record FormOutcome(Step Before, Step After, IReadOnlyList<BotReply> Replies, bool Stale)
{
    public bool Moved => Before != After;
}

/// <summary>
/// The form channel over the conversation engine: reads a conversation to draw its page, and turns a posted page
/// into the engine's turns (the same answers a chat would send: a choice number, the words typed, <c>back</c>).
/// </summary>
public sealed class FormTurns(IntakeEngine engine, IConversationStore conversations, IRuleBookProvider rules, IOptions<ConversationOptions> options, TimeProvider time)
{
    public TimeSpan IdleTimeout => options.Value.IdleTimeout;

    /// <summary>The conversation as stored; null when there is none (never started, or removed after it ended).</summary>
    public async Task<IntakeSession?> ReadAsync(FormConversation conversation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var record = await conversations.GetAsync(conversation.Key, ct);
        return record is null || record.ServiceId != conversation.ServiceId ? null : SessionJson.Read(record.Data, rules.Current);
    }

    /// <summary>Its answers were deleted for idleness, or are due to be: the page says so and shows none of them.</summary>
    public bool IsExpired(IntakeSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Step == Step.Expired
            || (session.Step != Step.Welcome && !session.Step.IsEnd() && time.GetUtcNow() - session.LastActivityAt > IdleTimeout);
    }

    /// <summary>Starts the conversation: the welcome and the first question (or the closed message).</summary>
    public Task<TurnResult> OpenAsync(FormConversation conversation, string? clientAddress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return engine.HandleAsync(Input(conversation, "open", null, clientAddress), ct);
    }

    public async Task<FormOutcome> PostAsync(FormConversation conversation, IntakeSession session, FormPost post, string? clientAddress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(post);
        var before = session.Step;
        var current = before;
        if (post.Change is { } changeId && StepIds.TryParse(changeId, out var target) && before == Step.Review && ChangeNumber(target) is { } number)
        {
            // A "Change" link of the review: the chat's "2. Change an answer", then the answer's number.
            var changing = await TurnAsync(conversation, post.InputId + ":change", "2", clientAddress, ct);
            if (changing.Step == Step.Change)
            {
                changing = await TurnAsync(conversation, post.InputId + ":pick", number, clientAddress, ct);
            }

            if (changing.Step != target)
            {
                return new FormOutcome(before, changing.Step, changing.Replies, Stale: false);
            }

            current = target;
        }
        else if (post.Step != PageStep(session, IsExpired(session)))
        {
            return new FormOutcome(before, before, [], Stale: true);
        }

        var text = post.Command switch
        {
            "back" => "back",
            "resend" when current == Step.Otp => "resend",
            "identity-checked" when current == Step.Otp && conversation.Channel == Inbox.Requests.Channel.Staff => StaffIdentityCheck.Answer,
            _ => post.Answer,
        };
        var result = await TurnAsync(conversation, post.InputId, text, clientAddress, ct);
        if (text == "back" && result.Step == Step.Change && session.Changing)
        {
            // Back from an answer being changed goes to the review, as its page's back link does, not to the chat's list of answers.
            result = await TurnAsync(conversation, post.InputId + ":back", "back", clientAddress, ct);
        }

        return new FormOutcome(before, result.Step, result.Replies, Stale: false);
    }

    /// <summary>
    /// A photos page: its files as one turn (checked, kept or refused by the photos step, as a chat's upload is), then,
    /// for Continue with none refused, the chat's <c>done</c>. A page not at the photos step runs nothing.
    /// </summary>
    public async Task<FormOutcome> PhotosAsync(
        FormConversation conversation, IntakeSession session, string postedStep, string inputId, IReadOnlyList<PostedFile> files, bool carryOn, string? clientAddress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(files);
        var before = session.Step;
        if (before != Step.Photos || postedStep != PageStep(session, IsExpired(session)))
        {
            return new FormOutcome(before, before, [], Stale: true);
        }

        var replies = new List<BotReply>();
        var after = before;
        if (files.Count > 0)
        {
            IncomingPhoto[] photos = [.. files.Select((file, i) => new IncomingPhoto(IncomingPhoto.IdFor(conversation.Key, inputId, i), file.Check()))];
            var taken = await engine.HandleAsync(Input(conversation, inputId, null, clientAddress) with { Photos = photos }, ct);
            replies.AddRange(taken.Replies);
            after = taken.Step;
        }

        if (carryOn && after == Step.Photos && !replies.Any(r => r.Reason))
        {
            if (replies.Count > 0)
            {
                // The question asked after the photos: the next step's question follows instead.
                replies.RemoveAt(replies.Count - 1);
            }

            var done = await TurnAsync(conversation, inputId + ":done", Intake.Steps.PhotosStep.DoneWord, clientAddress, ct);
            replies.AddRange(done.Replies);
            after = done.Step;
        }

        return new FormOutcome(before, after, replies, Stale: false);
    }

    /// <summary>The step id a page of this conversation posts: <c>expired</c> while its answers are (due to be) deleted.</summary>
    public static string PageStep(IntakeSession session, bool expired) => expired ? Step.Expired.ToId() : session.Step.ToId();

    /// <summary>The chat's number for changing this answer from the review; null for an answer that is not listed there.</summary>
    public static string? ChangeNumber(Step step)
    {
        var items = Intake.Steps.ChangeStep.Choices.Items;
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Value == step)
            {
                return (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private Task<TurnResult> TurnAsync(FormConversation conversation, string inputId, string text, string? clientAddress, CancellationToken ct) =>
        engine.HandleAsync(Input(conversation, inputId, text, clientAddress), ct);

    private static TurnInput Input(FormConversation c, string inputId, string? text, string? clientAddress) =>
        new(c.Key, c.ServiceId, c.Channel, inputId, text, null, clientAddress, c.FollowUpLinkId, EnteredBy: c.EnteredBy);
}
