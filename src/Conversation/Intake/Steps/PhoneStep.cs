using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Inbox.Requests;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>The UK phone number to contact about the request. A mobile is checked next (a code), unless shown already.</summary>
public sealed class PhoneStep : IntakeStep
{
    public override Step Step => Step.Phone;

    public override string Id => "phone";

    public override StepInput Input(IntakeSession session) => new(AnswerKind.Text, "tel", "tel", "nhsuk-input--width-20");

    /// <summary>Not asked when the patient accepted the details a follow-up link holds.</summary>
    public override bool IsRequired(IntakeSession session) => session.FollowUp?.Stage != FollowUpStage.Accepted;

    public override bool IsAnswered(IntakeSession session) => session.Answers.Phone is not null;

    public override string? Previous(IntakeSession session) =>
        session.Answers.Phone is { } phone ? PhoneParser.Display(phone) : null;

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability) =>
        BotReply.Say(Questions.WithPrevious(Previous(session), ForSelf(session)
            ? "What UK phone number should we use to contact you about this request?"
            : "Which phone should we use: yours or theirs? Give the UK number we should contact about this request."), Step);

    internal override async Task AnswerAsync(Turn turn, string text, CancellationToken ct)
    {
        var phone = PhoneParser.Parse(text);
        if (!phone.Ok)
        {
            turn.Invalid(phone.Reason!);
            return;
        }

        Set(turn, phone.Value!);
        await turn.AdvanceAsync(Trigger.Answered, ct);
    }

    /// <summary>Takes a number as the contact phone; a different number than before must be checked again.</summary>
    internal static void Set(Turn turn, UkPhone phone)
    {
        var a = turn.Session.Answers;
        if (a.Phone != phone.E164)
        {
            a.Verified = false;
            a.VerifiedBy = null;
            a.IdentityCheckedByStaff = false;
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
}
