using PatientContact.EndToEnd.Tests.Support;

namespace PatientContact.EndToEnd.Tests.Inbox;

/// <summary>One running service (Development, demo staff accounts) shared by the tests of a class; each test makes its own requests.</summary>
public sealed class InboxHostFixture : IAsyncLifetime
{
    public ServiceHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await ServiceHost.StartAsync(InboxTestSupport.Settings());

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
