namespace PatientContact.Inbox.Requests;

/// <summary>How answers read to people, the same to the patient (choices, review) and to staff (inbox, exports).</summary>
public static class Labels
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

    /// <summary>Its words as stored: "none", "phone not verified", "PDS unavailable", ...</summary>
    public static string Label(this MatchReason reason) => StoredNames<MatchReason>.Of(reason);

    /// <summary>Its words as stored: "parent or guardian", "carer", ...</summary>
    public static string Label(this Relationship relationship) => StoredNames<Relationship>.Of(relationship);
}
