namespace PatientContact.Inbox.Attachments;

/// <summary>Reading a body part into memory up to a limit, for the uploads and the photo forms.</summary>
public static class LimitedRead
{
    /// <summary>Reads up to <paramref name="max"/> bytes; null when there are more (the rest is left unread).</summary>
    public static async Task<byte[]?> ReadAsync(Stream body, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
