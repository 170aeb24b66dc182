using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.GridFS;
using PatientContact.Inbox.Storage.Sqlite;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>Photos in MongoDB GridFS (bucket <c>attachments</c>): the bytes in chunks, what staff see of a photo in the file's metadata.</summary>
public sealed class MongoAttachmentStore(MongoStorage storage) : IAttachmentStore
{
    public async Task<AddResult> AddAsync(AttachmentInfo info, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(info);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        if (await FindAsync(info.Id, cancellationToken).ConfigureAwait(false) is not null)
        {
            return AddResult.AlreadyExists;
        }

        var metadata = new BsonDocument
        {
            ["conversationKey"] = info.ConversationKey,
            ["serviceId"] = info.ServiceId,
            ["contentType"] = info.ContentType,
            ["bytes"] = info.Bytes,
            ["width"] = info.Width,
            ["height"] = info.Height,
            ["sha256"] = info.Sha256,
            ["createdAt"] = info.CreatedAt.UtcDateTime,
        };
        try
        {
            await storage.Attachments.UploadFromBytesAsync(
                info.Id, info.Id, content.ToArray(), new GridFSUploadOptions { Metadata = metadata }, cancellationToken).ConfigureAwait(false);
            return AddResult.Added;
        }
        catch (Exception ex) when (MongoErrors.IsDuplicateKey(ex))
        {
            return AddResult.AlreadyExists;
        }
    }

    public async Task<StoredAttachment?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var file = await FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (file is null)
        {
            return null;
        }

        var m = file.Metadata;
        var info = new AttachmentInfo(
            id, m["conversationKey"].AsString, m["serviceId"].AsString, m["contentType"].AsString, m["bytes"].ToInt64(),
            m["width"].ToInt32(), m["height"].ToInt32(), m["sha256"].AsString,
            new DateTimeOffset(m["createdAt"].ToUniversalTime(), TimeSpan.Zero));
        var content = await storage.Attachments.DownloadAsBytesAsync(id, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new StoredAttachment(info, AttachmentHash.Checked(info, content));
    }

    public async Task<int> DeleteAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        await storage.ReadyAsync(cancellationToken).ConfigureAwait(false);
        var deleted = 0;
        foreach (var id in ids)
        {
            try
            {
                await storage.Attachments.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
                deleted++;
            }
            catch (GridFSFileNotFoundException)
            {
                // Already gone (a retried purge): nothing to do.
            }
        }

        return deleted;
    }

    private async Task<GridFSFileInfo<string>?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var filter = Builders<GridFSFileInfo<string>>.Filter.Eq(f => f.Id, id);
        using var cursor = await storage.Attachments.FindAsync(filter, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await cursor.FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }
}
