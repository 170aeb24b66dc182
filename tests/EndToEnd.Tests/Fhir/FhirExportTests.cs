using Microsoft.Extensions.DependencyInjection;
using PatientContact.Inbox.Requests;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hl7.Fhir.Model;
using PatientContact.Conversation.Intake;
using PatientContact.EndToEnd.Tests.Inbox;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Tests.Support;
using PatientContact.Inbox.Fhir;
using PatientContact.Inbox.Staff;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;
using FhirTask = Hl7.Fhir.Model.Task;
using Task = System.Threading.Tasks.Task;

namespace PatientContact.EndToEnd.Tests.Fhir;

/// <summary>
/// <c>GET /api/inbox/requests/{referenceId}/fhir</c> over real HTTP: a GP system with a bearer token from the stand-in
/// issuer on loopback, and staff with their sign-in cookie, get the request as a FHIR R4 bundle that the Firely SDK
/// parses back strictly and its validator passes against the R4 specification.
/// </summary>
public sealed class FhirExportTests : IAsyncLifetime
{
    private const string Audience = "api://patientcontact";
    private FakeIdentityProvider _issuer = null!;
    private ServiceHost _host = null!;

    public async Task InitializeAsync()
    {
        _issuer = await FakeIdentityProvider.StartAsync();
        _host = await ServiceHost.StartAsync(Settings(
            ("Integrations:Authority", _issuer.Issuer),
            ("Integrations:Audience", Audience),
            ("Integrations:RequireHttpsMetadata", "false")));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task A_proxys_flagged_request_exports_as_a_bundle_that_parses_back_and_validates()
    {
        var reference = await SubmitAsync(_host, answers: new InboxTestSupport.Answers
        {
            Details = "I get short of breath walking up the stairs this week.",
            ProxyName = "Sam Smith",
        });
        var stored = await RequestAsync(_host, reference);
        using var api = Bearer(_issuer.AccessToken("gp-system", Audience, "inbox.read:riverside-gp"));

        using var response = await api.GetAsync($"/api/inbox/requests/{reference}/fhir");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/fhir+json");
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var bundle = FhirValidation.Parse<Bundle>(await response.Content.ReadAsStringAsync());
        FhirValidation.Errors(bundle).ShouldBeEmpty();
        bundle.Type.ShouldBe(Bundle.BundleType.Collection);
        var broken = FhirValidation.Parse<Bundle>(await response.Content.ReadAsStringAsync());
        broken.Entry.Select(e => e.Resource).OfType<FhirTask>().Single().Status = null;
        FhirValidation.Errors(broken).ShouldNotBeEmpty("the validator does check: a Task must have a status");
        bundle.Identifier!.Value.ShouldBe(reference);
        bundle.Entry.ShouldAllBe(e => e.FullUrl == "urn:uuid:" + e.Resource!.Id);

        var patient = bundle.Entry.Select(e => e.Resource).OfType<Patient>().Single();
        patient.Meta!.Profile.ShouldBe(["https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"]);
        var nhsNumber = patient.Identifier.Single();
        nhsNumber.System.ShouldBe("https://fhir.nhs.uk/Id/nhs-number");
        nhsNumber.Value.ShouldBe(stored.Match.NhsNumber.ShouldNotBeNull());
        patient.Name.Single().Family.ShouldBe("Smith");
        patient.Name.Single().Given!.ShouldBe(["Jane"]);
        patient.BirthDate.ShouldBe("2010-10-22");
        patient.Gender.ShouldBe(AdministrativeGender.Female);
        patient.Address.Single().PostalCode.ShouldBe(stored.Patient.Postcode);
        patient.Telecom.ShouldBeEmpty("the contact number is the person's who sent it");

        var proxy = bundle.Entry.Select(e => e.Resource).OfType<RelatedPerson>().Single();
        proxy.Name.Single().Text.ShouldBe("Sam Smith");
        proxy.Relationship.Single().Text.ShouldBe(stored.SubmittedBy.Relationship?.Label());
        proxy.Telecom.Single().Value.ShouldBe(JanesMobile);
        proxy.Patient!.Reference.ShouldBe(FullUrl(bundle, patient));

        var answers = bundle.Entry.Select(e => e.Resource).OfType<QuestionnaireResponse>().Single();
        answers.Status.ShouldBe(QuestionnaireResponse.QuestionnaireResponseStatus.Completed);
        answers.Author!.Reference.ShouldBe(FullUrl(bundle, proxy));
        answers.Item.Select(i => i.LinkId).Where(id => !StepIds.TryParse(id!, out var _)).ShouldBeEmpty("every item's linkId is a step id");
        ((FhirString)Answer(answers, "details")).Value.ShouldBe("I get short of breath walking up the stairs this week.");
        ((Coding)Answer(answers, "request-type")).Code.ShouldBe(stored.RequestTypeId);
        ((Coding)Answer(answers, "red-flag")).Code.ShouldBe(stored.RedFlags.Single().Id);
        ((FhirString)Answer(answers, "proxy-name")).Value.ShouldBe("Sam Smith");
        ((Date)Answer(answers, "date-of-birth")).Value.ShouldBe("2010-10-22");
        ((Coding)Answer(answers, "gender")).Code.ShouldBe("female");
        ((FhirBoolean)Answer(answers, "otp")).Value.ShouldBe(true);

        var task = bundle.Entry.Select(e => e.Resource).OfType<FhirTask>().Single();
        task.Status.ShouldBe(FhirTask.TaskStatus.Requested);
        task.Priority.ShouldBe(RequestPriority.Urgent);
        task.Focus!.Reference.ShouldBe(FullUrl(bundle, answers));
        task.Owner!.Identifier!.System.ShouldBe("https://fhir.nhs.uk/Id/ods-organization-code");

        var flag = bundle.Entry.Select(e => e.Resource).OfType<Flag>().Single();
        flag.Code!.Coding.Single().Code.ShouldBe(stored.RedFlags.Single().Id);
        flag.Subject!.Reference.ShouldBe(FullUrl(bundle, patient));

        var messages = (await api.GetFromJsonAsync<JsonElement>($"/api/inbox/requests/{reference}")).GetProperty("messages").EnumerateArray().ToList();
        var communications = bundle.Entry.Select(e => e.Resource).OfType<Communication>().ToList();
        communications.Count.ShouldBe(messages.Count);
        communications.Select(c => ((FhirString)c.Payload.Single().Content!).Value).ShouldBe(messages.Select(m => m.GetProperty("body").GetString()));

        (await AuditAsync(_host, reference, "integration:gp-system")).ShouldContain(a => a.Action == AuditActions.Exported && a.Detail == "fhir");
    }

    [Fact]
    public async Task Exporting_again_gives_the_same_ids_and_the_task_follows_the_requests_status()
    {
        var reference = await SubmitAsync(_host);
        using var writer = Bearer(_issuer.AccessToken("gp-writer", Audience, "inbox.write:riverside-gp"));
        var first = FhirValidation.Parse<Bundle>(await writer.GetStringAsync($"/api/inbox/requests/{reference}/fhir"));
        var version = (await writer.GetFromJsonAsync<JsonElement>($"/api/inbox/requests/{reference}")).GetProperty("version").GetInt64();

        (await writer.PostAsJsonAsync($"/api/inbox/requests/{reference}/status", new { status = "in-progress", version })).EnsureSuccessStatusCode();
        var second = FhirValidation.Parse<Bundle>(await writer.GetStringAsync($"/api/inbox/requests/{reference}/fhir"));

        second.Entry.Select(e => e.FullUrl).ShouldBe(first.Entry.Select(e => e.FullUrl));
        first.Entry.Select(e => e.Resource).OfType<FhirTask>().Single().Status.ShouldBe(FhirTask.TaskStatus.Requested);
        second.Entry.Select(e => e.Resource).OfType<FhirTask>().Single().Status.ShouldBe(FhirTask.TaskStatus.InProgress);
        second.Entry.Select(e => e.Resource).OfType<RelatedPerson>().ShouldBeEmpty("the patient sent it themselves");
        second.Entry.Select(e => e.Resource).OfType<Patient>().Single().Telecom.Single().Value.ShouldBe(JanesMobile);
    }

    [Fact]
    public async Task Another_services_request_or_a_token_without_an_inbox_scope_gets_nothing_and_nothing_is_audited()
    {
        var northside = await SubmitAsync(_host, "northside-community");
        using var riverside = Bearer(_issuer.AccessToken("gp-system", Audience, "inbox.read:riverside-gp"));
        using var scopeless = Bearer(_issuer.AccessToken("gp-system", Audience, "openid"));
        using var anonymous = Bearer(null);

        (await riverside.GetAsync($"/api/inbox/requests/{northside}/fhir")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await scopeless.GetAsync($"/api/inbox/requests/{northside}/fhir")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await anonymous.GetAsync($"/api/inbox/requests/{northside}/fhir")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await riverside.GetAsync("/api/inbox/requests/not-a-reference/fhir")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        (await AuditAsync(_host, northside)).ShouldNotContain(a => a.Action == AuditActions.Exported);
    }

    [Fact]
    public async Task Staff_signed_in_get_the_same_export_and_it_is_audited_as_them()
    {
        var reference = await SubmitAsync(_host);
        using var staff = await StaffClient.SignInAsync(_host, RiversideStaff);

        using var response = await staff.Http.GetAsync($"/api/inbox/requests/{reference}/fhir");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var bundle = FhirValidation.Parse<Bundle>(await response.Content.ReadAsStringAsync());
        bundle.Identifier!.Value.ShouldBe(reference);
        FhirValidation.Errors(bundle).ShouldBeEmpty();
        (await AuditAsync(_host, reference, RiversideStaff)).ShouldContain(a => a.Action == AuditActions.Exported && a.Detail == "fhir");
    }

    [Fact]
    public async Task Photos_on_a_request_export_as_media_that_point_at_the_photo_which_the_same_token_can_fetch()
    {
        var reference = await SubmitAsync(_host);
        var stored = await RequestAsync(_host, reference);
        byte[][] images = [TestImages.Jpeg(640, 480), TestImages.Png(320, 240)];
        var photos = new List<RequestAttachment>();
        var store = _host.Services.GetRequiredService<PatientContact.Inbox.Storage.IAttachmentStore>();
        for (var i = 0; i < images.Length; i++)
        {
            var (type, width, height) = i == 0 ? ("image/jpeg", 640, 480) : ("image/png", 320, 240);
            var id = $"{reference}-photo-{i}".Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
            await store.AddAsync(new PatientContact.Inbox.Storage.AttachmentInfo(id, "seeded", stored.ServiceId, type, images[i].Length, width, height,
                Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(images[i])), stored.CreatedAt), images[i]);
            photos.Add(new RequestAttachment(id, type, images[i].Length, width, height));
        }

        var requests = _host.Services.GetRequiredService<PatientContact.Inbox.Storage.IRequestStore>();
        (await requests.TryUpdateAsync(stored with { Attachments = photos, Version = stored.Version + 1 })).ShouldBeTrue();
        using var api = Bearer(_issuer.AccessToken("gp-system", Audience, "inbox.read:riverside-gp"));

        var bundle = FhirValidation.Parse<Bundle>(await api.GetStringAsync($"/api/inbox/requests/{reference}/fhir"));

        FhirValidation.Errors(bundle).ShouldBeEmpty();
        var media = bundle.Entry.Select(e => e.Resource).OfType<Media>().ToList();
        media.Select(m => (m.Content.ContentType, m.Width, m.Height, m.Content.SizeUnsignedInt)).ShouldBe(
            [("image/jpeg", 640, 480, (int?)images[0].Length), ("image/png", 320, 240, (int?)images[1].Length)]);
        var task = bundle.Entry.Select(e => e.Resource).OfType<FhirTask>().Single();
        var patient = bundle.Entry.Select(e => e.Resource).OfType<Patient>().Single();
        media.ShouldAllBe(m => m.Status == EventStatus.Completed && m.Type!.Coding[0].Code == "image");
        media.ShouldAllBe(m => m.PartOf.Single().Reference == FullUrl(bundle, task) && m.Subject!.Reference == FullUrl(bundle, patient));
        media.ShouldAllBe(m => m.Meta!.Profile.Single() == "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Media");
        media[1].Content.Title.ShouldBe("Photo 2 of 2 sent by the patient");

        // The url is the photo's own address in the inbox API: the same token fetches the image, and the view is audited.
        var url = new Uri(media[0].Content.Url.ShouldNotBeNull());
        url.AbsolutePath.ShouldBe($"/api/inbox/requests/{reference}/attachments/{photos[0].Id}");
        using var image = await api.GetAsync(url.PathAndQuery);
        image.StatusCode.ShouldBe(HttpStatusCode.OK);
        image.Content.Headers.ContentType!.MediaType.ShouldBe("image/jpeg");
        (await image.Content.ReadAsByteArrayAsync()).ShouldBe(images[0]);
        (await AuditAsync(_host, reference)).ShouldContain(a => a.Action == AuditActions.AttachmentViewed && a.Detail == $"{photos[0].Id} full");
        FhirValidation.Parse<Bundle>(await api.GetStringAsync($"/api/inbox/requests/{reference}/fhir")).Entry.Select(e => e.FullUrl)
            .ShouldBe(bundle.Entry.Select(e => e.FullUrl), "exporting again gives the same ids");
    }

    private static DataType Answer(QuestionnaireResponse response, string stepId) =>
        response.Item.Single(i => i.LinkId == stepId).Answer.First().Value!;

    private static string FullUrl(Bundle bundle, Resource resource) => bundle.Entry.Single(e => ReferenceEquals(e.Resource, resource)).FullUrl!;

    private HttpClient Bearer(string? token)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _host.BaseAddress };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }
}
