using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff.SignIn;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Staff.Requests;

/// <summary>
/// The one way the inbox reads a single request: a request of a service the person does not work for
/// reads exactly like one that does not exist, so nothing hints that it is there.
/// </summary>
public sealed class RequestAccess(IRequestStore requests)
{
    public async Task<ContactRequest?> FindAsync(StaffMember staff, string referenceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(staff);
        if (InboxText.ReferenceId(referenceId) is not { } normalized)
        {
            return null;
        }

        var request = await requests.GetAsync(normalized, cancellationToken);
        return request is not null && staff.WorksFor(request.ServiceId) ? request : null;
    }
}
