using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using PatientContact.Inbox.Storage;

namespace PatientContact.Conversation.Hosting;

/// <summary>
/// Data Protection's key ring read from and written to the service's store (<see cref="IKeyRingStore"/>),
/// so every host on one MongoDB (or one SQLite file) shares the keys. The framework's interface is
/// synchronous; it calls it only when it loads or refreshes the ring (at start, then about once a day, or
/// when it meets a key it does not know) and when it makes a key, so waiting on the store there is fine.
/// </summary>
internal sealed class StoreXmlRepository(IKeyRingStore store, TimeProvider time) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. store.GetAllAsync().GetAwaiter().GetResult().Select(entry => XElement.Parse(entry.Xml))];

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        // The framework names keys key-{guid}; a name already there is the same element written by another host.
        store.AddAsync(new KeyRingEntry(friendlyName, element.ToString(SaveOptions.DisableFormatting), time.GetUtcNow()))
            .GetAwaiter().GetResult();
    }
}
