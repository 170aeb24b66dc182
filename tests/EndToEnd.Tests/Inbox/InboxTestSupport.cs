using PatientContact.Inbox.Messaging;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using PatientContact.Conversation.Intake;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff.Accounts;
using PatientContact.Inbox.Storage;

namespace PatientContact.EndToEnd.Tests.Inbox;

/// <summary>What the inbox tests share: the demo staff password, patients submitting through the engine, staff signed in over HTTP.</summary>
public static partial class InboxTestSupport
{
    public const string DemoPassword = "demo-password-for-the-inbox-tests";
    public const string RiversideStaff = "staff@riverside-gp.example";
    public const string NorthsideStaff = "staff@northside-community.example";
    public const string JanesMobile = "+447700900123";

    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Demo:StaffPassword"] = DemoPassword,
            ["Staff:Administrators:0"] = RiversideStaff,
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Adds a local staff account through the same code as the <c>add-staff</c> command.</summary>
    public static async Task AddStaffAsync(ServiceHost host, string email, params string[] services)
    {
        var result = await host.Services.GetRequiredService<StaffAccountCreator>().CreateAsync(email, services, DemoPassword);
        result.Problems.ShouldBeEmpty();
    }

    /// <summary>A patient's answers, step by step; anything not given is Jane Smith's.</summary>
    public sealed record Answers
    {
        public string Details { get; init; } = "I have had a cough for two weeks and it is not getting better.";
        public string? ProxyName { get; init; }
        public string FirstName { get; init; } = "Jane";
        public string LastName { get; init; } = "Smith";
        public string Phone { get; init; } = "07700 900123";

        /// <summary>Files sent at the photos step (in one message, as the web chat upload sends them); none: the patient answers No.</summary>
        public IReadOnlyList<byte[]> Photos { get; init; } = [];
    }

    /// <summary>
    /// Walks a whole conversation through the running service's conversation engine (the channel-independent
    /// entry point the web chat and SMS channels call), reading the one-time code from the outbox, and returns
    /// the reference ID the patient was given.
    /// </summary>
    public static async Task<string> SubmitAsync(ServiceHost host, string serviceId = "riverside-gp", Answers? answers = null)
    {
        answers ??= new Answers();
        var engine = host.Services.GetRequiredService<IntakeEngine>();
        var key = $"inbox-test:{Guid.NewGuid():N}";
        var result = await engine.HandleAsync(new TurnInput(key, serviceId, Channel.WebChat, "open", null, null));
        var photosSent = false;
        for (var turn = 1; turn < 40; turn++)
        {
            var step = result.Step.ToId();
            if (step == "photos" && answers.Photos.Count > 0 && !photosSent && result.Replies.All(r => r.Choices.Count == 0))
            {
                // Asked for them (after "Yes, add photos"): all in one message, as the widget uploads them.
                var inputId = $"t{turn}";
                IncomingPhoto[] photos = [.. answers.Photos.Select((file, i) => new IncomingPhoto(IncomingPhoto.IdFor(key, inputId, i), PatientContact.Inbox.Attachments.PhotoCheck.Inspect(file)))];
                result = await engine.HandleAsync(new TurnInput(key, serviceId, Channel.WebChat, inputId, string.Empty, null, Photos: photos));
                photosSent = true;
                continue;
            }

            if (step == "submitted")
            {
                var said = string.Join("\n", result.Replies.Select(r => r.Text));
                var reference = ReferencePattern().Match(said).Value;
                await MatchedAsync(host, reference);
                return reference;
            }

            string text = step switch
            {
                "emergency" => "1",
                "request-type" => "1",
                "details" => answers.Details,
                "red-flag" => "1",
                "photos" => answers.Photos.Count == 0 ? "2" : photosSent ? "done" : "1",
                "proxy" => answers.ProxyName is null ? "1" : "2",
                "proxy-name" => answers.ProxyName!,
                "proxy-relationship" => "2",
                "first-name" => answers.FirstName,
                "last-name" => answers.LastName,
                "date-of-birth" => "22/10/2010",
                "gender" => "1",
                "postcode" => "ls1 6ae",
                "phone" => answers.Phone,
                "mobile-access" => "1",
                "otp" => await LastCodeAsync(host, "+44" + answers.Phone.Replace(" ", "", StringComparison.Ordinal)[1..]),
                "contact-preference" => "1",
                "review" => "1",
                _ => throw new InvalidOperationException($"The walk does not know step '{step}': {string.Join(" / ", result.Replies.Select(r => r.Text))}"),
            };
            result = await engine.HandleAsync(new TurnInput(key, serviceId, Channel.WebChat, $"t{turn}", text, null));
        }

        throw new InvalidOperationException("The conversation did not reach a reference ID.");
    }

    /// <summary>
    /// Waits until the matching worker has decided the request's match (PDS answers in moments in
    /// Development), so the tests' own changes do not race it.
    /// </summary>
    public static async Task<ContactRequest> MatchedAsync(ServiceHost host, string referenceId)
    {
        var requests = host.Services.GetRequiredService<IRequestStore>();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var request = await requests.GetAsync(referenceId);
            if (request is not null && request.Match != MatchResult.Pending)
            {
                return request;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"Request {referenceId} was not matched within 10 seconds.");
    }

    /// <summary>What staff did to a request, as the audit trail has it (the matching worker's own entries left out).</summary>
    public static async Task<IReadOnlyList<AuditEntry>> StaffAuditAsync(ServiceHost host, string referenceId) =>
        [.. (await AuditAsync(host, referenceId)).Where(a => a.Actor != PatientContact.Inbox.Matching.RequestMatching.AuditActor)];

    /// <summary>The stored request is exactly as it was: every field, version included.</summary>
    public static async Task ShouldBeUnchangedAsync(ServiceHost host, ContactRequest before) =>
        System.Text.Json.JsonSerializer.Serialize(await RequestAsync(host, before.ReferenceId)).ShouldBe(System.Text.Json.JsonSerializer.Serialize(before));

    public static async Task<ContactRequest> RequestAsync(ServiceHost host, string referenceId) =>
        (await host.Services.GetRequiredService<IRequestStore>().GetAsync(referenceId)).ShouldNotBeNull();

    public static Task<IReadOnlyList<AuditEntry>> AuditAsync(ServiceHost host, string? referenceId = null, string? actor = null) =>
        host.Services.GetRequiredService<IAuditStore>().QueryAsync(new AuditQuery { ReferenceId = referenceId, Actor = actor, Limit = 1000 });

    private static async Task<string> LastCodeAsync(ServiceHost host, string e164)
    {
        var texts = await host.Services.GetRequiredService<IOutboxStore>().ListForRecipientAsync(e164, 10);
        return texts.First(t => t.Purpose == TextPurpose.Code).Body[..6];
    }

    [GeneratedRegex(@"\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b")]
    private static partial Regex ReferencePattern();
}

/// <summary>A member of staff using the inbox over HTTP with their own cookies, as a browser would, but seeing every status code.</summary>
public sealed partial class StaffClient : IDisposable
{
    private StaffClient(ServiceHost host, IPAddress? from = null)
    {
        Cookies = new CookieContainer();
        var handler = new SocketsHttpHandler { CookieContainer = Cookies, AllowAutoRedirect = false };
        if (from is not null)
        {
            // Another loopback address (127.0.0.0/8 is all loopback on Linux): the service sees another client.
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        Http = new HttpClient(handler)
        {
            BaseAddress = host.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public HttpClient Http { get; }
    public CookieContainer Cookies { get; }

    /// <summary>Someone with no session at all.</summary>
    public static StaffClient Anonymous(ServiceHost host, IPAddress? from = null) => new(host, from);

    /// <summary>Signs in through the sign-in form (token and all); fails the test if it does not work.</summary>
    public static async Task<StaffClient> SignInAsync(ServiceHost host, string email, string password = InboxTestSupport.DemoPassword, IPAddress? from = null)
    {
        var client = new StaffClient(host, from);
        var response = await client.TrySignInAsync(email, password);
        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.OriginalString.ShouldBe("/inbox");
        return client;
    }

    public async Task<HttpResponseMessage> TrySignInAsync(string email, string password)
    {
        var token = await TokenAsync("/inbox/login");
        return await Http.PostAsync("/inbox/login", Form(("email", email), ("password", password), ("__RequestVerificationToken", token)));
    }

    /// <summary>The anti-forgery token of the form on a page, as a browser would send it back.</summary>
    public async Task<string> TokenAsync(string path)
    {
        var html = await (await Http.GetAsync(path)).Content.ReadAsStringAsync();
        var match = TokenPattern().Match(html);
        match.Success.ShouldBeTrue($"no anti-forgery token on {path}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>A token for this session's forms, from a page that reads nothing (so the audit gets no extra view).</summary>
    public Task<string> SessionTokenAsync() => TokenAsync("/inbox/requests/ZZZZ-ZZZZ");

    /// <summary>The version a request's page shows in its forms.</summary>
    public async Task<long> VersionAsync(string referenceId)
    {
        var html = await (await Http.GetAsync($"/inbox/requests/{referenceId}")).Content.ReadAsStringAsync();
        return long.Parse(VersionPattern().Match(html).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Posts a request action's form with a fresh token and the version the page shows.</summary>
    public async Task<HttpResponseMessage> ActAsync(string referenceId, string action, params (string Key, string Value)[] fields) =>
        await ActAsync(referenceId, action, await VersionAsync(referenceId), fields);

    /// <summary>Posts a request action's form with a fresh token and the given version.</summary>
    public async Task<HttpResponseMessage> ActAsync(string referenceId, string action, long version, params (string Key, string Value)[] fields)
    {
        var token = await SessionTokenAsync();
        return await Http.PostAsync($"/inbox/requests/{referenceId}/{action}",
            Form([.. fields, ("__RequestVerificationToken", token), ("version", version.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
    }

    public static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("name=\"version\" value=\"(\\d+)\"")]
    private static partial Regex VersionPattern();
}
