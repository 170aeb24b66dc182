using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Inbox.Requests;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>On a mobile: should the service reply by text or by a call? (A landline is called.)</summary>
public sealed class ContactPreferenceStep : IntakeStep
{
    public static readonly ChoiceSet<ContactPreference> Choices = new(
        new ChoiceItem<ContactPreference>(ContactPreference.Text, ContactPreference.Text.Label(), "text", "sms", "message"),
        new ChoiceItem<ContactPreference>(ContactPreference.Phone, ContactPreference.Phone.Label(), "phone", "call", "ring", "call me"));

    public override Step Step => Step.ContactPreference;

    public override string Id => "contact-preference";

    public override bool IsOptional => true;

    public override bool IsRequired(IntakeSession session) => session.Answers.PhoneIsMobile;

    public override bool IsAnswered(IntakeSession session) => session.Answers.ContactPreference is not null;

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability) =>
        new($"How should we reply on {PhoneParser.Display(session.Answers.Phone!)}?", Step, Choices.Choices);

    internal override Task AnswerAsync(Turn turn, string text, CancellationToken ct) =>
        ChooseAsync(turn, Choices, text, preference => turn.Session.Answers.ContactPreference = preference, ct);
}
