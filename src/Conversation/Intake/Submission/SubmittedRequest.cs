using PatientContact.Inbox.Requests;

namespace PatientContact.Conversation.Intake.Submission;

/// <summary>The request staff receive, made from a conversation's answers.</summary>
internal static class SubmittedRequest
{
    public static ContactRequest Build(Turn turn, string referenceId)
    {
        var a = turn.Session.Answers;
        return new ContactRequest
        {
            ReferenceId = referenceId,
            ServiceId = turn.Service.Id,
            RequestTypeId = a.RequestTypeId!,
            RequestType = a.RequestTypeLabel!,
            Details = a.Details!,
            CreatedAt = turn.Now,
            UpdatedAt = turn.Now,
            Patient = new PatientDetails(a.FirstName!, a.LastName!, a.DateOfBirth!.Value, a.Gender!.Value, a.Postcode!),
            SubmittedBy = new Submitter(a.Proxy!.Value, a.Proxy == SubmitterKind.Proxy ? a.ProxyName : null, a.Proxy == SubmitterKind.Proxy ? a.ProxyRelationship : null),
            Contact = new ContactDetails(a.Phone!, a.Verified, a.ContactPreference ?? ContactPreference.Phone),
            RedFlags = StaffFlags(turn.Session),
            Attachments = [.. a.Photos],
            Channel = turn.Input.Channel,
            ConversationKey = turn.Input.ConversationKey,
            EnteredBy = turn.Input.Channel == Channel.Staff && turn.Input.EnteredBy is { } staff ? new StaffEntry(staff, a.IdentityCheckedByStaff) : null,
        };
    }

    /// <summary>The details' red flags, then those raised at other steps with the step and the words that raised them.</summary>
    private static List<RedFlagHit> StaffFlags(IntakeSession session)
    {
        var flags = session.Answers.RedFlags.Select(f => new RedFlagHit(f.Id, f.Severity, f.Advice)).ToList();
        foreach (var raised in session.RaisedFlags.Where(r => flags.TrueForAll(f => f.Id != r.Flag.Id)))
        {
            flags.Add(new RedFlagHit(raised.Flag.Id, raised.Flag.Severity, raised.Flag.Advice, raised.Step.ToId(), raised.Words));
        }

        return flags;
    }
}
