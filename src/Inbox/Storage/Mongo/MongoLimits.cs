namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>Bounds on what one call may read, as the SQLite store has them.</summary>
internal static class MongoLimits
{
    /// <summary>
    /// Clamps a caller's limit to 0..<paramref name="max"/>. Callers return nothing for 0 without asking
    /// MongoDB, where a limit of 0 means "no limit".
    /// </summary>
    public static int Clamp(int requested, int max = 1000) => Math.Clamp(requested, 0, max);
}
