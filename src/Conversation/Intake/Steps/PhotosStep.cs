using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Inbox.Attachments;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>
/// After the details (and the red-flag step), where the request type allows photos: do you want to add any, then the
/// photos themselves (web chat upload, MMS, a page's file input) until the patient types done (Continue on a page). Each photo is checked by
/// <see cref="PhotoCheck"/> and stored before the conversation moves on; a refused one is named with its reason.
/// </summary>
public sealed class PhotosStep : IntakeStep
{
    public static readonly ChoiceSet<bool> Choices = new(
        new ChoiceItem<bool>(true, "Yes, add photos", "yes", "y", "add photos", "photos", "photo"),
        new ChoiceItem<bool>(false, "No", "no", "n", "no thanks", "no photos", "skip"));

    public const string Question = "Do you want to add photos? Photos can help staff see a rash, wound or swelling, or read a letter or medicine box.";

    /// <summary>What helps, what not to send, and that nobody looks at photos at once.</summary>
    public const string Guidance =
        "Send up to 5 photos, as JPEG or PNG, up to 10 MB each. Take them in good light. Take one close up and one from further away. " +
        "Never send photos of intimate (private) areas: staff will arrange another way to see them. " +
        "Staff do not look at photos straight away. If you need help now, call 111, or 999 in an emergency.";

    public const string DoneWord = "done";

    public const string NotNow = "We have not kept your photo. We can only take photos after you tell us about your request, and only for some kinds of request.";

    public const string NotAfterSending = "We have not kept your picture. Pictures can only be added while you make a request, so please describe it in words.";

    public const string CannotTake = "Sorry, we cannot take photos at the moment. Please type done to carry on without them.";

    private static readonly string[] DoneWords = [DoneWord, "finished", "no more", "that's all", "thats all", "next", "carry on", "continue", "skip", "no"];

    public override Step Step => Step.Photos;

    public override string Id => "photos";

    public override bool IsOptional => true;

    /// <summary>When the chosen type allows photos, on the channels that can take them.</summary>
    public override bool IsRequired(IntakeSession session) =>
        session.Channel is Channel.WebChat or Channel.Sms or Channel.Form or Channel.Staff
        && session.OfferedTypes.Find(t => t.Id == session.Answers.RequestTypeId)?.Photos == true;

    public override bool IsAnswered(IntakeSession session) => session.Answers.PhotosDone;

    /// <summary>On a page: the yes or no question, then a file input (the guidance and how many are added as its hint).</summary>
    public override StepInput Input(IntakeSession session) =>
        session.Answers.WantsPhotos != true
            ? new(AnswerKind.Choice)
            : new(AnswerKind.Photos, Question: "Add photos", Hint: $"{Guidance} {Added(session.Answers.Photos.Count)}");

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability)
    {
        var a = session.Answers;
        if (a.WantsPhotos != true)
        {
            return new(Question, Step, Choices.Choices);
        }

        if (a.Photos.Count == 0)
        {
            return BotReply.Say($"{Guidance}\nSend your photos now. Type {DoneWord} when you have finished.", Step);
        }

        return BotReply.Say(a.Photos.Count >= PhotoCheck.MaxPhotos
            ? $"You have added {PhotoCheck.MaxPhotos} photos, the most we can take. Type {DoneWord} to carry on."
            : $"You have added {Count(a.Photos.Count)}. Send another, or type {DoneWord} to carry on.", Step);
    }

    internal override async Task AnswerAsync(Turn turn, string text, CancellationToken ct)
    {
        var a = turn.Session.Answers;
        if (a.WantsPhotos != true)
        {
            if (turn.Choose(Choices, text, out var wants))
            {
                a.WantsPhotos = wants;
                if (wants)
                {
                    turn.Session.InvalidStreak = 0;
                    turn.Ask(Step);
                    return;
                }

                a.PhotosDone = true;
                await turn.AdvanceAsync(Trigger.Answered, ct);
            }

            return;
        }

        if (Array.IndexOf(DoneWords, TextInput.Fold(text)) >= 0)
        {
            a.PhotosDone = true;
            await turn.AdvanceAsync(Trigger.Answered, ct);
            return;
        }

        turn.Invalid($"Please send a photo, or type {DoneWord} to carry on.");
    }

    /// <summary>
    /// Photos that came with a message, before its words are read: at this step they are taken (true: the turn is
    /// answered). At another step none is kept and the patient is told so; with no words beside them the question is
    /// asked again (true), otherwise (and at the welcome, which starts the conversation anyway) the words are read as usual.
    /// </summary>
    internal static async Task<bool> ArrivedAsync(Turn turn, string? text, CancellationToken ct)
    {
        var s = turn.Session;
        if (turn.Input.Photos is not { Count: > 0 } photos)
        {
            return false;
        }

        if (s.Step == Step.Photos)
        {
            await TakeAsync(turn, photos, ct);
            return true;
        }

        turn.Say(NotNow);
        if (s.Step == Step.Welcome || !string.IsNullOrEmpty(text))
        {
            return false;
        }

        turn.Ask(s.Step);
        return true;
    }

    /// <summary>
    /// Photos that came with a message at this step: each is kept or refused with its reason (the 6th and later with
    /// the limit). Whatever text came with them is not read as an answer: the question is asked again.
    /// </summary>
    private static async Task TakeAsync(Turn turn, IReadOnlyList<IncomingPhoto> photos, CancellationToken ct)
    {
        var s = turn.Session;

        var store = turn.Services.Attachments;
        if (store is null)
        {
            turn.Say(CannotTake);
            turn.Ask(s.Step);
            return;
        }

        s.Answers.WantsPhotos = true;
        s.InvalidStreak = 0;
        foreach (var photo in photos)
        {
            if (s.Answers.Photos.Exists(p => p.Id == photo.Id))
            {
                continue;
            }

            if (s.Answers.Photos.Count >= PhotoCheck.MaxPhotos)
            {
                turn.Refuse(TooMany(s.Channel));
                break;
            }

            if (photo.Check.Photo is not { } clean)
            {
                turn.Refuse(photo.Check.Refusal!);
                continue;
            }

            var info = new AttachmentInfo(
                photo.Id, turn.Input.ConversationKey, turn.Service.Id, clean.ContentType, clean.Content.Length, clean.Width, clean.Height, clean.Sha256, turn.Now);
            // Stored before the conversation is saved: a photo the patient was told was added is there.
            await store.AddAsync(info, clean.Content, ct);
            s.Answers.Photos.Add(new RequestAttachment(photo.Id, clean.ContentType, clean.Content.Length, clean.Width, clean.Height));
            turn.Say($"Photo {s.Answers.Photos.Count} added.");
        }

        turn.Ask(s.Step);
    }

    /// <summary>The limit reached: a chat types done to carry on, a page has its Continue button.</summary>
    private static string TooMany(Channel channel) => channel is Channel.Form or Channel.Staff
        ? $"You have already added {PhotoCheck.MaxPhotos} photos, the most we can take. Choose Continue to carry on."
        : PhotoCheck.TooMany;

    private static string Added(int photos) => photos == 0 ? "You have not added any photos yet." : $"You have added {Count(photos)}.";

    private static string Count(int photos) => photos == 1 ? "1 photo" : $"{photos} photos";
}
