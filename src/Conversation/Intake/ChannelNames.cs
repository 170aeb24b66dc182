using PatientContact.Inbox.Requests;

namespace PatientContact.Conversation.Intake;

/// <summary>A channel as the rules (<c>input.Channel</c>) and the metrics name it.</summary>
public static class ChannelNames
{
    public static string RuleName(this Channel channel) => channel switch
    {
        Channel.Sms => PatientContact.Rules.Channels.Sms,
        Channel.WebChat => PatientContact.Rules.Channels.WebChat,
        Channel.Form => PatientContact.Rules.Channels.Form,
        Channel.Staff => PatientContact.Rules.Channels.Staff,
        _ => PatientContact.Rules.Channels.Terminal,
    };
}
