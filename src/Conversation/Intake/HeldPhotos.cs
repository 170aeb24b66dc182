using PatientContact.Inbox.Storage;

namespace PatientContact.Conversation.Intake;

/// <summary>
/// Photos a conversation holds before it is submitted: kept in the attachment store under the ids in its answers, and
/// deleted when the answers drop them (restart, expiry, a new request). Once submitted they belong to the request.
/// </summary>
internal sealed class HeldPhotos(IAttachmentStore? attachments)
{
    /// <summary>The ids of the photos <paramref name="session"/> holds that no request has taken.</summary>
    public static IReadOnlyList<string> Unsubmitted(IntakeSession session) =>
        session.Step == Step.Submitted ? [] : [.. session.Answers.Photos.Select(p => p.Id)];

    /// <summary>Deletes the photos held <paramref name="before"/> a turn that the session no longer holds after it.</summary>
    public Task DeleteDroppedAsync(IReadOnlyList<string> before, IntakeSession after, CancellationToken ct) =>
        DeleteAsync([.. before.Except(after.Answers.Photos.Select(p => p.Id))], ct);

    public async Task DeleteAsync(IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        if (ids.Count > 0 && attachments is not null)
        {
            await attachments.DeleteAsync(ids, ct);
        }
    }
}
