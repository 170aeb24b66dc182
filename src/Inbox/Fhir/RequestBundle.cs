using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff.Reports;
using PatientContact.Inbox.Staff.Requests;
using PatientContact.Rules;
using FhirTask = Hl7.Fhir.Model.Task;
using RequestStatus = PatientContact.Inbox.Requests.RequestStatus;

namespace PatientContact.Inbox.Fhir;

/// <summary>What a request's FHIR export is made from: the request, its messages (oldest first), its service and the deployment's address.</summary>
public sealed record RequestBundleInput(
    ContactRequest Request,
    IReadOnlyList<RequestMessage> Messages,
    ServiceDefinition? Service,
    string PublicBaseUrl,
    DateTimeOffset Now);

/// <summary>
/// A submitted request as a FHIR R4 <c>Bundle</c> of type <c>collection</c> (SPEC section 14), following the UK
/// Core profiles: the <c>Patient</c> (NHS number under <see cref="FhirSystems.NhsNumber"/> once matched), a
/// <c>RelatedPerson</c> when someone sent it for the patient, the <c>QuestionnaireResponse</c> of the conversation
/// (each item's <c>linkId</c> a step id), a <c>Task</c> whose status follows the request's, a <c>Flag</c> per red flag,
/// a <c>Communication</c> per message and a <c>Media</c> per photo. Entries are named <c>urn:uuid:</c> from the reference ID, so exporting the
/// same request twice gives the same ids and a receiver can recognise what it already has.
/// </summary>
/// <remarks>
/// Each resource has its own method; something new on a request (an attachment) adds an entry the same way,
/// through <see cref="BundleWriter.Add"/>.
/// </remarks>
public static class RequestBundle
{
    public static Bundle Build(RequestBundleInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = input.Request;
        var writer = new BundleWriter(request.ReferenceId);
        var patient = writer.Add("patient", Patient(request));
        var submitter = request.SubmittedBy.Kind == SubmitterKind.Proxy
            ? writer.Add("related-person", RelatedPerson(request, patient))
            : patient;
        var answers = writer.Add("questionnaire-response", Answers(input, patient, submitter));
        var task = writer.Add("task", Task(input, patient, submitter, answers));
        for (var i = 0; i < request.RedFlags.Count; i++)
        {
            writer.Add($"flag/{i}", Flag(input, request.RedFlags[i], patient));
        }

        foreach (var message in input.Messages)
        {
            writer.Add($"communication/{message.Id:D}", Communication(input, message, patient, submitter, task));
        }

        for (var i = 0; i < request.Attachments.Count; i++)
        {
            writer.Add($"media/{request.Attachments[i].Id}", Media(input, request.Attachments[i], i, patient, submitter, task));
        }

        return writer.ToBundle(new Identifier(FhirSystems.ReferenceId(input.PublicBaseUrl), request.ReferenceId), input.Now);
    }

    private static Patient Patient(ContactRequest request)
    {
        var details = request.Patient;
        var patient = new Patient
        {
            Meta = new Meta { Profile = [FhirSystems.Profiles.Patient] },
            Name = [new HumanName { Use = HumanName.NameUse.Official, Family = details.LastName, Given = [details.FirstName] }],
            BirthDate = details.DateOfBirth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Gender = Gender(details.Gender),
            Address = [new Address { Use = Address.AddressUse.Home, PostalCode = details.Postcode }],
        };
        if (request.Match is { Status: MatchStatus.Matched, NhsNumber: { } nhsNumber })
        {
            var identifier = new Identifier(FhirSystems.NhsNumber, nhsNumber);
            identifier.Extension.Add(new Extension(FhirSystems.NhsNumberVerificationStatusExtension,
                new CodeableConcept(FhirSystems.NhsNumberVerificationStatus, "01", "Number present and verified")));
            patient.Identifier.Add(identifier);
        }

        if (request.SubmittedBy.Kind == SubmitterKind.Self)
        {
            patient.Telecom.Add(Phone(request.Contact));
        }

        return patient;
    }

    private static RelatedPerson RelatedPerson(ContactRequest request, ResourceReference patient)
    {
        var person = new RelatedPerson
        {
            Meta = new Meta { Profile = [FhirSystems.Profiles.RelatedPerson] },
            Active = true,
            Patient = patient,
            Telecom = [Phone(request.Contact)],
        };
        if (request.SubmittedBy.Name is { } name)
        {
            person.Name.Add(new HumanName { Text = name });
        }

        if (request.SubmittedBy.Relationship is { } relationship)
        {
            person.Relationship.Add(new CodeableConcept { Text = relationship.Label() });
        }

        return person;
    }

    private static QuestionnaireResponse Answers(RequestBundleInput input, ResourceReference patient, ResourceReference submitter)
    {
        var request = input.Request;
        var response = new QuestionnaireResponse
        {
            Meta = new Meta { Profile = [FhirSystems.Profiles.QuestionnaireResponse] },
            Identifier = new Identifier(FhirSystems.ReferenceId(input.PublicBaseUrl), request.ReferenceId),
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
            Subject = patient,
            Authored = Instant(request.CreatedAt),
            Author = submitter,
            Source = submitter,
        };
        var items = response.Item;
        items.Add(Item("request-type", new Coding(FhirSystems.RequestType(input.PublicBaseUrl), request.RequestTypeId, request.RequestType)));
        items.Add(Item("details", new FhirString(request.Details)));
        if (request.RedFlags.Count > 0)
        {
            items.Add(Item("red-flag", [.. request.RedFlags.Select(f => new Coding(FhirSystems.RedFlag(input.PublicBaseUrl), f.Id, Triage.RedFlagLabel(f.Id)))]));
        }

        var proxy = request.SubmittedBy.Kind == SubmitterKind.Proxy;
        items.Add(Item("proxy", new FhirString(proxy ? "Someone else" : "Myself")));
        if (proxy && request.SubmittedBy.Name is { } name)
        {
            items.Add(Item("proxy-name", new FhirString(name)));
        }

        if (proxy && request.SubmittedBy.Relationship is { } relationship)
        {
            items.Add(Item("proxy-relationship", new FhirString(relationship.Label())));
        }

        var details = request.Patient;
        items.Add(Item("first-name", new FhirString(details.FirstName)));
        items.Add(Item("last-name", new FhirString(details.LastName)));
        items.Add(Item("date-of-birth", new Date(details.DateOfBirth.Year, details.DateOfBirth.Month, details.DateOfBirth.Day)));
        var gender = Gender(details.Gender);
        items.Add(Item("gender", new Coding(FhirSystems.AdministrativeGender, GenderCode(gender), InboxText.Gender(details.Gender))));
        items.Add(Item("postcode", new FhirString(details.Postcode)));
        items.Add(Item("phone", new FhirString(request.Contact.Phone)));
        items.Add(Item("otp", new FhirBoolean(request.Contact.Verified)));
        items.Add(Item("contact-preference", new FhirString(request.Contact.Preference.Label())));
        return response;
    }

    private static FhirTask Task(RequestBundleInput input, ResourceReference patient, ResourceReference submitter, ResourceReference answers)
    {
        var request = input.Request;
        var task = new FhirTask
        {
            Meta = new Meta { Profile = [FhirSystems.Profiles.Task] },
            Identifier = [new Identifier(FhirSystems.ReferenceId(input.PublicBaseUrl), request.ReferenceId)],
            Status = request.Status switch
            {
                RequestStatus.InProgress => FhirTask.TaskStatus.InProgress,
                RequestStatus.Done => FhirTask.TaskStatus.Completed,
                _ => FhirTask.TaskStatus.Requested,
            },
            Intent = FhirTask.TaskIntent.Order,
            Priority = Triage.UrgencyOf(request) switch
            {
                Urgency.Emergency => RequestPriority.Stat,
                Urgency.Urgent => RequestPriority.Urgent,
                _ => RequestPriority.Routine,
            },
            Code = new CodeableConcept(FhirSystems.RequestType(input.PublicBaseUrl), request.RequestTypeId, request.RequestType, request.RequestType),
            Description = request.RequestType,
            Focus = answers,
            For = patient,
            AuthoredOn = Instant(request.CreatedAt),
            LastModified = Instant(request.UpdatedAt == default ? request.CreatedAt : request.UpdatedAt),
            Requester = submitter,
        };
        if (input.Service is { } service)
        {
            task.Owner = new ResourceReference { Identifier = new Identifier(FhirSystems.OdsOrganisationCode, service.OdsCode), Display = service.Name };
        }

        return task;
    }

    private static Flag Flag(RequestBundleInput input, RedFlagHit hit, ResourceReference patient)
    {
        var flag = new Flag
        {
            Meta = new Meta { Profile = [FhirSystems.Profiles.Flag] },
            Status = Hl7.Fhir.Model.Flag.FlagStatus.Active,
            Category = [new CodeableConcept(FhirSystems.FlagCategory, "clinical", "Clinical")],
            Code = new CodeableConcept(FhirSystems.RedFlag(input.PublicBaseUrl), hit.Id, Triage.RedFlagLabel(hit.Id), $"{Triage.SeverityLabel(hit.Severity)}: {Triage.RedFlagLabel(hit.Id)}"),
            Subject = patient,
            Period = new Period { Start = Instant(input.Request.CreatedAt) },
        };
        var (code, display) = Triage.SeverityOf(hit.Severity) == Urgency.Emergency ? ("PH", "High priority") : ("PM", "Medium priority");
        flag.Extension.Add(new Extension(FhirSystems.FlagPriorityExtension, new CodeableConcept(FhirSystems.FlagPriority, code, display)));
        return flag;
    }

    /// <summary>
    /// A photo the patient sent, as a UK Core <c>Media</c> that is part of the request's <c>Task</c>. The image itself is
    /// not in the bundle (five photos of up to 10 MB each would be most of it): <c>content.url</c> is the photo's own
    /// address in the inbox API, which answers the same staff and integration tokens as this export, audited.
    /// </summary>
    private static Media Media(RequestBundleInput input, RequestAttachment photo, int index, ResourceReference patient, ResourceReference submitter, ResourceReference task)
    {
        var request = input.Request;
        return new Media
        {
            Meta = new Meta { Profile = [FhirSystems.Profiles.Media] },
            Status = EventStatus.Completed,
            Type = new CodeableConcept(FhirSystems.MediaType, "image", "Image"),
            PartOf = [task],
            Subject = patient,
            Operator = submitter,
            Created = new FhirDateTime(request.CreatedAt),
            Issued = request.CreatedAt,
            Width = photo.Width,
            Height = photo.Height,
            Content = new Attachment
            {
                ContentType = photo.ContentType,
                Url = $"{input.PublicBaseUrl.TrimEnd('/')}/api/inbox/requests/{Uri.EscapeDataString(request.ReferenceId)}/attachments/{Uri.EscapeDataString(photo.Id)}",
                // R4 declares size an unsignedInt (Size is R5's integer64, written as a string); photos are at most 10 MB.
                SizeUnsignedInt = checked((int)photo.Bytes),
                Title = $"Photo {index + 1} of {request.Attachments.Count} sent by the patient",
            },
        };
    }

    private static Communication Communication(RequestBundleInput input, RequestMessage message, ResourceReference patient, ResourceReference submitter, ResourceReference task)
    {
        var communication = new Communication
        {
            Meta = new Meta { Profile = [FhirSystems.Profiles.Communication] },
            Status = message.Status switch
            {
                null => EventStatus.Completed,
                DeliveryStatus.Queued => EventStatus.InProgress,
                DeliveryStatus.Sent or DeliveryStatus.Delivered => EventStatus.Completed,
                _ => EventStatus.NotDone,
            },
            Subject = patient,
            About = [task],
            Sent = Instant(message.CreatedAt),
            Payload = [new Communication.PayloadComponent { Content = new FhirString(message.Body) }],
        };
        var service = input.Service is { } s
            ? new ResourceReference { Identifier = new Identifier(FhirSystems.OdsOrganisationCode, s.OdsCode), Display = s.Name }
            : null;
        if (message.Direction == MessageDirection.In)
        {
            communication.Sender = submitter;
            if (service is not null)
            {
                communication.Recipient.Add(service);
            }
        }
        else
        {
            communication.Sender = service;
            communication.Recipient.Add(submitter);
        }

        return communication;
    }

    private static QuestionnaireResponse.ItemComponent Item(string stepId, params DataType[] answers)
    {
        var item = new QuestionnaireResponse.ItemComponent { LinkId = stepId, Text = StepLabel(stepId) };
        foreach (var answer in answers)
        {
            item.Answer.Add(new QuestionnaireResponse.AnswerComponent { Value = answer });
        }

        return item;
    }

    private static string StepLabel(string stepId) =>
        stepId == "otp" ? "Mobile number confirmed with a code"
        : InboxReportBuilder.Steps.FirstOrDefault(s => s.Id == stepId).Label ?? stepId;

    private static AdministrativeGender Gender(Gender gender) => gender switch
    {
        Requests.Gender.Female => AdministrativeGender.Female,
        Requests.Gender.Male => AdministrativeGender.Male,
        Requests.Gender.Other => AdministrativeGender.Other,
        _ => AdministrativeGender.Unknown,
    };

    private static string GenderCode(AdministrativeGender gender) => gender switch
    {
        AdministrativeGender.Female => "female",
        AdministrativeGender.Male => "male",
        AdministrativeGender.Other => "other",
        _ => "unknown",
    };

    private static ContactPoint Phone(ContactDetails contact) =>
        new(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Mobile, contact.Phone);

    private static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Collects a bundle's entries, each under a <c>urn:uuid:</c> made from the request's reference ID and the entry's key.</summary>
public sealed class BundleWriter(string referenceId)
{
    private readonly List<Bundle.EntryComponent> _entries = [];

    /// <summary>Adds the resource and returns a reference to it for the others.</summary>
    /// <param name="key">Unique within the bundle and stable across exports: <c>patient</c>, <c>flag/0</c>, <c>communication/{id}</c>.</param>
    public ResourceReference Add(string key, Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var id = StableId(referenceId, key);
        resource.Id = id.ToString("D");
        var fullUrl = "urn:uuid:" + resource.Id;
        _entries.Add(new Bundle.EntryComponent { FullUrl = fullUrl, Resource = resource });
        return new ResourceReference(fullUrl);
    }

    public Bundle ToBundle(Identifier identifier, DateTimeOffset now)
    {
        var bundle = new Bundle
        {
            Id = StableId(referenceId, "bundle").ToString("D"),
            Identifier = identifier,
            Type = Bundle.BundleType.Collection,
            Timestamp = now,
            Entry = [.. _entries],
        };
        return bundle;
    }

    /// <summary>A name-based UUID (RFC 9562 version 8, from SHA-256): the same reference ID and key always give the same one.</summary>
    public static Guid StableId(string referenceId, string key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"patientcontact:{referenceId}:{key}"), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
