using MongoDB.Driver;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>Recognises MongoDB's answers that mean something to the stores rather than a failure.</summary>
internal static class MongoErrors
{
    /// <summary>MongoDB's code for a write refused by a unique index.</summary>
    public const int DuplicateKeyCode = 11000;

    /// <summary>
    /// True when a unique index refused the write, in whichever form the server and the operation report
    /// it: a write error (insert, update, replace), a bulk write error, or a command error (findAndModify,
    /// and servers that answer a plain write that way).
    /// </summary>
    public static bool IsDuplicateKey(Exception exception) => exception switch
    {
        MongoWriteException write => IsDuplicateKey(write.WriteError),
        MongoBulkWriteException bulk => bulk.WriteErrors.Count > 0 && bulk.WriteErrors.All(IsDuplicateKey) && bulk.WriteConcernError is null,
        MongoWriteConcernException => false,
        MongoCommandException command => command.Code == DuplicateKeyCode,
        _ => false,
    };

    private static bool IsDuplicateKey(WriteError? error) =>
        error is not null && (error.Code == DuplicateKeyCode || error.Category == ServerErrorCategory.DuplicateKey);

    private static bool IsDuplicateKey(BulkWriteError error) =>
        error.Code == DuplicateKeyCode || error.Category == ServerErrorCategory.DuplicateKey;
}
