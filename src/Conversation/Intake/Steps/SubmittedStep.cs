using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Conversation.Intake.Safety;
using PatientContact.Inbox.Requests;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>The request is stored (<see cref="Submission.RequestSubmission"/>): its reference, when the service replies, and the safety wording.</summary>
public sealed class SubmittedStep : IntakeStep
{
    public override Step Step => Step.Submitted;

    public override string Id => "submitted";

    public override bool IsEnd => true;

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability)
    {
        var how = session.Answers.ContactPreference == ContactPreference.Text ? "text you" : "call you";
        var own = service.ConfirmationMessage is { } message ? message.Replace("{service}", service.Name, StringComparison.Ordinal) + " " : string.Empty;
        var thanks = $"Thank you. Your request has been sent to {service.Name}. Your reference is {session.ReferenceId}. {own}"
            + $"We'll {how} on {PhoneParser.Display(session.Answers.Phone!)} {service.ResponsePromise}.";
        return BotReply.Say(Confirmation.Wrap(thanks, session, service), Step);
    }
}
