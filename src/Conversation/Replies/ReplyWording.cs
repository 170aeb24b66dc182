using PatientContact.Inbox.Requests;
using PatientContact.Rules;

namespace PatientContact.Conversation.Replies;

/// <summary>What a patient is told when a message they send after submitting is added to their request.</summary>
public static class ReplyWording
{
    /// <summary>What the acknowledgement promises when the service's rules promise nothing of their own.</summary>
    public const string DefaultResponsePromise = "within 2 working days";

    /// <summary>
    /// The acknowledgement, at most once an hour per request: the reference ID, when to expect a reply, 111 and 999,
    /// and how to start a new request instead. Within 2 SMS segments of GSM-7 for every demo service.
    /// </summary>
    public static string Acknowledgement(ServiceDefinition service, string referenceId, Channel channel)
    {
        ArgumentNullException.ThrowIfNull(service);
        var sooner = service.Type == ServiceTypes.MentalHealthTrust
            ? "If you need help sooner, call 111 and choose the mental health option."
            : "If you need help sooner, call 111.";
        var restart = channel == Channel.Sms ? "To start a new request instead, text NEW REQUEST." : "To start a new request instead, type new request.";
        return $"Thanks, we've added this to your request {referenceId} with {service.Name}. We'll reply {ResponsePromise(service)}. {sooner} In an emergency call 999. {restart}";
    }

    /// <summary>In the same web chat within the hour: a shorter word that the message went on the request.</summary>
    public static string AddedAgain(string referenceId) => $"Thanks, we've added this to your request {referenceId} too.";

    /// <summary>A message with a picture or other attachment: the words are kept, the attachment cannot be yet.</summary>
    public const string AttachmentNotKept = "(The patient sent a picture or other attachment. Attachments cannot be received yet, so it was not kept.)";

    private static string ResponsePromise(ServiceDefinition service) =>
        string.IsNullOrWhiteSpace(service.ResponsePromise) ? DefaultResponsePromise : service.ResponsePromise;
}
