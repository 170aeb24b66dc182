using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Inbox.Requests;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake;

/// <summary>The fixed choice lists of the conversation, in the order and with the words of SPEC section 1.</summary>
public static class Choices
{
    public static readonly ChoiceSet<bool> Emergency = new(
        new ChoiceItem<bool>(false, "No, it's not an emergency", "no", "n", "not an emergency", "nope", "not emergency"),
        new ChoiceItem<bool>(true, "Yes, it's an emergency", "yes", "y", "emergency", "yeah"));

    /// <remarks>
    /// No word here is a carrier keyword (STOP, CANCEL, END, QUIT, UNSUBSCRIBE...): on SMS one of those would opt the
    /// number out of every text instead of answering (SmsKeywords).
    /// </remarks>
    public static readonly ChoiceSet<bool> RedFlag = new(
        new ChoiceItem<bool>(true, "Carry on with my request", "carry on", "continue", "yes", "y"),
        new ChoiceItem<bool>(false, "Don't send it", "dont send", "do not send", "no", "n", "not now", "leave it", "no thanks"));

    public static readonly ChoiceSet<SubmitterKind> Proxy = new(
        new ChoiceItem<SubmitterKind>(SubmitterKind.Self, "Myself", "me", "my self", "self", "for me"),
        new ChoiceItem<SubmitterKind>(SubmitterKind.Proxy, "Someone else", "someone", "somebody else", "other person", "for someone else"));

    public static readonly ChoiceSet<string> Relationship = new(
        new ChoiceItem<string>("parent or guardian", "Parent or guardian", "parent", "guardian", "mum", "dad", "mother", "father"),
        new ChoiceItem<string>("carer", "Carer", "care giver", "caregiver"),
        new ChoiceItem<string>("family member", "Family member", "family", "relative", "son", "daughter", "husband", "wife", "partner", "brother", "sister"),
        new ChoiceItem<string>("friend", "Friend"),
        new ChoiceItem<string>("care professional", "Care professional", "professional", "nurse", "social worker", "care worker"),
        new ChoiceItem<string>("other", "Other"));

    public static readonly ChoiceSet<Gender> Gender = new(
        new ChoiceItem<Gender>(Inbox.Requests.Gender.Female, "Female", "f", "woman", "girl"),
        new ChoiceItem<Gender>(Inbox.Requests.Gender.Male, "Male", "m", "man", "boy"),
        new ChoiceItem<Gender>(Inbox.Requests.Gender.Other, "Other", "non binary", "nonbinary"),
        new ChoiceItem<Gender>(Inbox.Requests.Gender.PreferNotToSay, "Prefer not to say", "prefer not", "rather not say", "not say"));

    public static readonly ChoiceSet<bool> MobileAccess = new(
        new ChoiceItem<bool>(true, "Yes", "y", "yes i do", "yeah", "yep"),
        new ChoiceItem<bool>(false, "No", "n", "no i dont", "nope"));

    /// <summary>At the last-name step, when the first-name answer had a last word that may be the last name.</summary>
    public static readonly ChoiceSet<bool> SuggestedLastName = new(
        new ChoiceItem<bool>(true, "Yes", "y", "yeah", "yep", "yes it is", "correct", "right"),
        new ChoiceItem<bool>(false, "No", "n", "nope", "no it isnt", "not"));

    public static readonly ChoiceSet<ContactPreference> ContactPreference = new(
        new ChoiceItem<ContactPreference>(Inbox.Requests.ContactPreference.Text, "Text message", "text", "sms", "message"),
        new ChoiceItem<ContactPreference>(Inbox.Requests.ContactPreference.Phone, "Phone call", "phone", "call", "ring", "call me"));

    public static readonly ChoiceSet<bool> FollowUpDetails = new(
        new ChoiceItem<bool>(true, "Yes, they're right", "yes", "y", "right", "correct", "yes they are"),
        new ChoiceItem<bool>(false, "No, I'll type them", "no", "n", "wrong", "not right"));

    public static readonly ChoiceSet<bool> Review = new(
        new ChoiceItem<bool>(true, "Submit", "send", "send it", "yes", "y", "submit request"),
        new ChoiceItem<bool>(false, "Change an answer", "change", "edit", "no"));

    /// <summary>
    /// The request types a service offers, read by number, label, examples or the rule's synonyms, and by a
    /// synonym anywhere in a sentence ("I need a sick note").
    /// </summary>
    public static ChoiceSet<RequestTypeOption> RequestTypes(IReadOnlyList<RequestTypeOption> offered) =>
        new([.. offered.Select(t => new ChoiceItem<RequestTypeOption>(t, t.ChoiceLabel, [t.Label, .. t.Synonyms]))], findInSentences: true);

    /// <summary>The answers that can be changed from the review, in the order they are listed.</summary>
    public static readonly ChoiceSet<Step> Change = new(
        new ChoiceItem<Step>(Step.RequestType, "Type of request", "request type", "type"),
        new ChoiceItem<Step>(Step.Details, "Details", "description"),
        new ChoiceItem<Step>(Step.Proxy, "Who it's for", "who", "proxy"),
        new ChoiceItem<Step>(Step.FirstName, "First name"),
        new ChoiceItem<Step>(Step.LastName, "Last name", "surname"),
        new ChoiceItem<Step>(Step.DateOfBirth, "Date of birth", "dob", "birthday"),
        new ChoiceItem<Step>(Step.Gender, "Gender"),
        new ChoiceItem<Step>(Step.Postcode, "Postcode", "post code"),
        new ChoiceItem<Step>(Step.Phone, "Phone number", "phone", "number", "mobile"),
        new ChoiceItem<Step>(Step.ContactPreference, "How we reply", "contact preference", "reply"));
}

/// <summary>How answers read back to the patient.</summary>
public static class AnswerLabels
{
    public static string Label(this Gender gender) => gender switch
    {
        Inbox.Requests.Gender.Female => "Female",
        Inbox.Requests.Gender.Male => "Male",
        Inbox.Requests.Gender.Other => "Other",
        _ => "Prefer not to say",
    };

    public static string Label(this ContactPreference preference) =>
        preference == Inbox.Requests.ContactPreference.Text ? "Text message" : "Phone call";
}
