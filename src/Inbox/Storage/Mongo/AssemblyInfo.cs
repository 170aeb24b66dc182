using System.Runtime.CompilerServices;

// The MongoDB store's filters, updates, indexes and document records are internal; its tests render
// them to BSON and round-trip the documents without a server.
[assembly: InternalsVisibleTo("PatientContact.Inbox.Tests")]
