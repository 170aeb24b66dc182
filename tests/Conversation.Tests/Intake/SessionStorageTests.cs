using PatientContact.Conversation.Tests.Support;
using PatientContact.Inbox.Storage;

namespace PatientContact.Conversation.Tests.Intake;

/// <summary>
/// What a conversation keeps between turns: the request types it offered by id only (their words are the rules'),
/// found again in the rules on the next turn; a session stored whole by an earlier version still reads.
/// </summary>
public sealed class SessionStorageTests : IDisposable
{
    private readonly EngineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task The_offered_request_types_are_kept_by_id_and_the_answer_is_read_against_them_next_turn()
    {
        var patient = await _harness.Patient().OpenAsync();
        await patient.SayAsync("1");
        patient.Step.ShouldBe("request-type");

        var stored = (await _harness.Conversations.GetAsync(patient.Key))!.DataText;

        stored.ShouldContain("\"offered\":[\"medical-request\",\"admin-request\"");
        stored.ShouldNotContain("synonyms", Case.Sensitive, "the types' words stay in the rules");
        await patient.SayAsync("doctor");
        patient.Step.ShouldBe("details", "a synonym of the medical request, found through the rules");
        patient.Said.ShouldContain("what the health problem is", Case.Insensitive, "the type's own details question");
    }

    [Fact]
    public async Task A_session_stored_with_whole_request_types_by_an_earlier_version_carries_on()
    {
        var patient = await _harness.Patient().OpenAsync();
        await patient.SayAsync("1");
        var record = (await _harness.Conversations.GetAsync(patient.Key))!;
        var earlier = record.DataText.Replace(
            "\"offered\":[\"medical-request\",\"admin-request\",\"nhs-advice-online\"]",
            """
            "offeredTypes":[{"id":"medical-request","label":"Medical request","kind":"Request","clinical":true,"examples":"a new or ongoing health problem","synonyms":["doctor"],"photos":false},{"id":"admin-request","label":"Admin request","kind":"Request","clinical":false,"synonyms":["fit note"],"detailsPrompt":"What do you need from us, as stored?","photos":false}]
            """.Trim(), StringComparison.Ordinal);
        earlier.ShouldNotBe(record.DataText, "the stored session had the three demo types by id");
        (await _harness.Conversations.TrySaveAsync(record with { Data = System.Text.Encoding.UTF8.GetBytes(earlier), Version = record.Version + 1 })).ShouldBeTrue();

        await patient.SayAsync("2");

        patient.Step.ShouldBe("details");
        patient.Said.ShouldContain("What do you need from us, as stored?", Case.Sensitive, "the type as that session kept it");
        (await _harness.Conversations.GetAsync(patient.Key))!.DataText.ShouldContain("\"offered\":[\"medical-request\",\"admin-request\"]", Case.Sensitive, "written back by id");
    }
}
