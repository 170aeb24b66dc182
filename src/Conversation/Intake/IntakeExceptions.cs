namespace PatientContact.Conversation.Intake;

/// <summary>The rules name no service with this id.</summary>
public sealed class UnknownServiceException(string serviceId) : Exception("No service has this id.")
{
    public string ServiceId { get; } = serviceId;
}

/// <summary>A turn kept losing races with other writers; the channel should ask the patient to try again.</summary>
public sealed class ConversationBusyException() : Exception("The conversation is busy; try again.");
