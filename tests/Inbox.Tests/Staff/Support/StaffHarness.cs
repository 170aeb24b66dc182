using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff;
using PatientContact.Inbox.Staff.Accounts;
using PatientContact.Inbox.Staff.Requests;
using PatientContact.Inbox.Staff.SignIn;
using PatientContact.Inbox.Storage;
using PatientContact.Inbox.Storage.Sqlite;
using PatientContact.Rules;

namespace PatientContact.Inbox.Tests.Staff.Support;

/// <summary>The inbox's services over a real SQLite file and the repository's rules, with a controlled clock.</summary>
public sealed class StaffHarness : IDisposable
{
    public const string Password = "correct horse battery staple";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "pc-staff-" + Guid.NewGuid().ToString("N"));
    private readonly FileRuleBookProvider _rules;
    private readonly byte[] _hashKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
    private readonly List<SqliteDatabase> _otherHosts = [];

    public StaffHarness(StaffOptions? options = null)
    {
        Directory.CreateDirectory(_directory);
        Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
        Database = new SqliteDatabase(Path.Combine(_directory, "test.db"));
        Requests = new SqliteRequestStore(Database);
        Accounts = new SqliteStaffStore(Database);
        AuditStore = new SqliteAuditStore(Database);
        Outbox = new SqliteOutboxStore(Database);
        OptOuts = new SqliteOptOutStore(Database);
        Messages = new SqliteMessageStore(Database);
        Sender = new OutboxSender(Outbox, OptOuts, Messages, Clock);
        _rules = new FileRuleBookProvider(RepoPaths.Rules);
        Options = options ?? new StaffOptions();
        Audit = new StaffAudit(AuditStore, Clock);
        Creator = new StaffAccountCreator(Accounts, Passwords, _rules, Audit, Clock);
        SignIn = SignInOn(Database);
        Access = new RequestAccess(Requests);
        Changes = new RequestChanges(Requests, Accounts, OptOuts, Sender, Messages, _rules, Access, Audit, Clock, NullLogger<RequestChanges>.Instance);
    }

    public FakeTimeProvider Clock { get; }
    public SqliteDatabase Database { get; }
    public IRequestStore Requests { get; }
    public IStaffAccountStore Accounts { get; }
    public IAuditStore AuditStore { get; }
    public IOutboxStore Outbox { get; }
    public IOptOutStore OptOuts { get; }
    public IMessageStore Messages { get; }
    public IOutboundSender Sender { get; }
    public IRuleBookProvider Rules => _rules;
    public StaffOptions Options { get; }
    public StaffPasswords Passwords { get; } = new();
    public StaffAudit Audit { get; }
    public StaffAccountCreator Creator { get; }
    public LocalSignIn SignIn { get; }
    public RequestAccess Access { get; }
    public RequestChanges Changes { get; }

    /// <summary>
    /// Sign-in as a second host would run it: its own connection to the same file, its own throttle and audit,
    /// and the same hash key (every host is given the same <c>Verification:HashKey</c>).
    /// </summary>
    public LocalSignIn SecondHost()
    {
        var database = new SqliteDatabase(Path.Combine(_directory, "test.db"));
        _otherHosts.Add(database);
        return SignInOn(database);
    }

    private LocalSignIn SignInOn(SqliteDatabase database) => new(
        new SqliteStaffStore(database),
        Passwords,
        new SignInThrottle(new SqliteRateCounterStore(database), new LimitKeys(_hashKey)),
        new StaffAudit(new SqliteAuditStore(database), Clock),
        Microsoft.Extensions.Options.Options.Create(Options),
        Clock,
        NullLogger<LocalSignIn>.Instance);

    public async Task<StaffAccount> AddStaffAsync(string email, params string[] services)
    {
        var result = await Creator.CreateAsync(email, services, Password);
        result.Problems.ShouldBeEmpty();
        return result.Account!;
    }

    public static StaffMember Member(string email, params string[] services) => new(email, email, services, false, "local");

    public async Task<ContactRequest> AddRequestAsync(string referenceId, string serviceId = "riverside-gp", string phone = "+447700900123", Action<ContactRequest>? check = null)
    {
        var request = new ContactRequest
        {
            ReferenceId = referenceId,
            ServiceId = serviceId,
            RequestTypeId = "medical-request",
            RequestType = "Medical request",
            Details = "A cough for two weeks.",
            CreatedAt = Clock.GetUtcNow(),
            UpdatedAt = Clock.GetUtcNow(),
            Patient = new PatientDetails("Jane", "Smith", new DateOnly(2010, 10, 22), Gender.Female, "LS1 6AE"),
            SubmittedBy = new Submitter(SubmitterKind.Self, null, null),
            Contact = new ContactDetails(phone, true, ContactPreference.Text),
            Channel = Channel.WebChat,
            ConversationKey = "test:" + referenceId,
        };
        (await Requests.AddAsync(request)).ShouldBe(AddResult.Added);
        return request;
    }

    public Task<IReadOnlyList<AuditEntry>> AuditAsync() => AuditStore.QueryAsync(new AuditQuery { Limit = 1000 });

    public void Dispose()
    {
        _rules.Dispose();
        Database.Dispose();
        _otherHosts.ForEach(d => d.Dispose());
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temp folder if a file is still held.
        }
    }
}

/// <summary>Finds files of this repository from a test's output folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Rules => Path.Combine(Root, "rules");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PatientContact.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PatientContact.sln not found above the test folder.");
    }
}
