using PatientContact.Inbox.Requests;

namespace PatientContact.Conversation.Intake;

/// <summary>How answers read back to the patient.</summary>
public static class AnswerLabels
{
    public static string Label(this Gender gender) => gender switch
    {
        Gender.Female => "Female",
        Gender.Male => "Male",
        Gender.Other => "Other",
        _ => "Prefer not to say",
    };

    public static string Label(this ContactPreference preference) =>
        preference == ContactPreference.Text ? "Text message" : "Phone call";
}
