using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Tests.Storage;

/// <summary>
/// What every store implementation must do, whatever it keeps the data in. An implementation plugs in
/// by deriving a sealed class that creates fresh, empty stores for each test; xUnit makes a new instance
/// per test, so <see cref="CreateStoresAsync"/> runs once per test and <see cref="DisposeStoresAsync"/>
/// cleans up after it.
/// </summary>
public abstract partial class StoreContractTests : IAsyncLifetime
{
    /// <summary>A Monday morning, whole milliseconds, so no store has to keep finer precision than that.</summary>
    protected static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    protected StoreSet Stores { get; private set; } = null!;

    /// <summary>Fresh, empty stores for one test.</summary>
    protected abstract Task<StoreSet> CreateStoresAsync();

    /// <summary>
    /// Stores over the same data as the ones <see cref="CreateStoresAsync"/> made, opened the way a
    /// restarted process would open them (new connections, nothing cached in memory).
    /// </summary>
    protected abstract Task<StoreSet> ReopenStoresAsync();

    /// <summary>A health check pointed at storage that cannot be reached or opened.</summary>
    protected abstract Task<IStoreHealth> CreateUnreachableHealthAsync();

    /// <summary>Removes whatever <see cref="CreateStoresAsync"/> made.</summary>
    protected virtual Task DisposeStoresAsync() => Task.CompletedTask;

    /// <summary>
    /// Whether the storage underneath takes each outbox text for one claimer only when several claim at
    /// the same moment. True for SQLite and for MongoDB itself; false only for the MongoDB-wire-compatible
    /// test server, whose findAndModify is not atomic under concurrency. Where false, the concurrent
    /// claim test checks the weaker promise that server keeps: no text is lost or claimed before it is due.
    /// </summary>
    protected virtual bool SupportsAtomicConcurrentClaims => true;

    public async Task InitializeAsync() => Stores = await CreateStoresAsync();

    public Task DisposeAsync() => DisposeStoresAsync();

    /// <summary>Runs <paramref name="count"/> callers at once on the thread pool and collects their answers.</summary>
    protected static Task<T[]> RunConcurrently<T>(int count, Func<int, Task<T>> caller)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, count)
            .Select(i => Task.Run(async () =>
            {
                await start.Task;
                return await caller(i);
            }))
            .ToArray();
        start.SetResult();
        return Task.WhenAll(callers);
    }

    /// <summary>A request with every field set, different from the defaults.</summary>
    protected static ContactRequest Request(
        string referenceId,
        string serviceId = "surgery-a",
        DateTimeOffset? createdAt = null,
        string firstName = "Ada",
        string lastName = "Lovelace") => new()
    {
        ReferenceId = referenceId,
        ServiceId = serviceId,
        Status = RequestStatus.New,
        RequestTypeId = "repeat-prescription",
        RequestType = "Repeat prescription",
        Details = "Sertraline 50 mg, \"the usual\" – running out on Friday",
        CreatedAt = createdAt ?? T0,
        UpdatedAt = createdAt ?? T0,
        Patient = new PatientDetails(firstName, lastName, new DateOnly(1985, 12, 10), Gender.Female, "LS1 4AP"),
        SubmittedBy = new Submitter(SubmitterKind.Self, null, null),
        Contact = new ContactDetails("+447700900123", true, ContactPreference.Text),
        Channel = Channel.WebChat,
        ConversationKey = "webchat:" + referenceId,
    };

    /// <summary>Every field equal; the lists by their items, whatever collection type the store reads them into.</summary>
    protected static void ShouldBeSameRequest(ContactRequest? actual, ContactRequest expected)
    {
        actual.ShouldNotBeNull();
        actual.RedFlags.ShouldBe(expected.RedFlags);
        actual.Notes.ShouldBe(expected.Notes);
        actual.Attachments.ShouldBe(expected.Attachments);
        (actual with { RedFlags = expected.RedFlags, Notes = expected.Notes, Attachments = expected.Attachments }).ShouldBe(expected);
    }

    protected static ConversationRecord Conversation(string key, long version, DateTimeOffset? updatedAt = null, string data = "{}") =>
        new(key, "surgery-a", "AskDetails", System.Text.Encoding.UTF8.GetBytes(data), version, updatedAt ?? T0);

    protected static OutboxMessage Text(string to = "+447700900123", DateTimeOffset? createdAt = null, string? idempotencyKey = null) => new()
    {
        Id = Guid.NewGuid(),
        To = to,
        Body = "Your request ABCD-2345 has been received.",
        Purpose = TextPurpose.Confirmation,
        IdempotencyKey = idempotencyKey,
        CreatedAt = createdAt ?? T0,
        NextAttemptAt = createdAt ?? T0,
    };
}
