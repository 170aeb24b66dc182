using System.Net;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Staff;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;

namespace PatientContact.EndToEnd.Tests.Inbox;

/// <summary>Two members of staff changing one request at once, over HTTP: the second is told, and nothing is lost.</summary>
public sealed class InboxConcurrencyTests(InboxHostFixture fixture) : IClassFixture<InboxHostFixture>
{
    private ServiceHost Host => fixture.Host;

    [Fact]
    public async Task Second_status_change_from_a_stale_page_is_told_changed_by_someone_else_and_the_first_stands()
    {
        var reference = await SubmitAsync(Host);
        await AddStaffAsync(Host, "colleague@riverside.example", "riverside-gp");
        using var first = await StaffClient.SignInAsync(Host, RiversideStaff);
        using var second = await StaffClient.SignInAsync(Host, "colleague@riverside.example");
        var seenByBoth = await first.VersionAsync(reference);
        (await second.VersionAsync(reference)).ShouldBe(seenByBoth);

        var won = await first.ActAsync(reference, "status", seenByBoth, ("status", "in-progress"));
        var lost = await second.ActAsync(reference, "status", seenByBoth, ("status", "done"));

        won.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        lost.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var page = await lost.Content.ReadAsStringAsync();
        page.ShouldContain("This request was changed by someone else");
        page.ShouldContain("your change was not saved");
        // The page shows the latest version, with the winner's status chosen, ready to try again.
        page.ShouldContain($"name=\"version\" value=\"{seenByBoth + 1}\"");
        page.ShouldContain("value=\"in-progress\" checked");

        var stored = await RequestAsync(Host, reference);
        stored.Status.ShouldBe(RequestStatus.InProgress);
        stored.Version.ShouldBe(seenByBoth + 1);
        var trail = await StaffAuditAsync(Host, reference);
        trail.Where(a => a.Action != AuditActions.Viewed).Select(a => (a.Actor, a.Action)).ShouldBe([
            (RiversideStaff, AuditActions.StatusChanged),
            ("colleague@riverside.example", AuditActions.ChangeRefused),
        ]);
    }

    [Fact]
    public async Task Staff_changing_one_request_at_the_same_moment_get_one_change_and_the_rest_told()
    {
        var reference = await SubmitAsync(Host);
        var people = new List<StaffClient>();
        for (var i = 0; i < 4; i++)
        {
            var email = $"racer{i}-{Guid.NewGuid():N}@riverside.example";
            await AddStaffAsync(Host, email, "riverside-gp");
            people.Add(await StaffClient.SignInAsync(Host, email));
        }

        var version = await people[0].VersionAsync(reference);
        var tokens = await Task.WhenAll(people.Select(p => p.SessionTokenAsync()));
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var posts = people.Select((p, i) => Task.Run(async () =>
        {
            await start.Task;
            return await p.Http.PostAsync($"/inbox/requests/{reference}/status", StaffClient.Form(
                ("status", i % 2 == 0 ? "done" : "in-progress"),
                ("version", version.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("__RequestVerificationToken", tokens[i])));
        })).ToArray();
        start.SetResult();
        var responses = await Task.WhenAll(posts);

        responses.Count(r => r.StatusCode == HttpStatusCode.SeeOther).ShouldBe(1);
        responses.Count(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBe(3);
        var winner = Array.FindIndex(responses, r => r.StatusCode == HttpStatusCode.SeeOther);
        var stored = await RequestAsync(Host, reference);
        stored.Status.ShouldBe(winner % 2 == 0 ? RequestStatus.Done : RequestStatus.InProgress);
        stored.Version.ShouldBe(version + 1);
        (await StaffAuditAsync(Host, reference)).Count(a => a.Action == AuditActions.StatusChanged).ShouldBe(1);
        (await StaffAuditAsync(Host, reference)).Count(a => a.Action == AuditActions.ChangeRefused).ShouldBe(3);
        foreach (var person in people)
        {
            person.Dispose();
        }
    }

    [Fact]
    public async Task A_note_typed_while_someone_else_changed_the_request_is_kept()
    {
        var reference = await SubmitAsync(Host);
        await AddStaffAsync(Host, "noter@riverside.example", "riverside-gp");
        using var first = await StaffClient.SignInAsync(Host, RiversideStaff);
        using var second = await StaffClient.SignInAsync(Host, "noter@riverside.example");
        var seen = await second.VersionAsync(reference);

        (await first.ActAsync(reference, "status", seen, ("status", "done"))).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await second.ActAsync(reference, "notes", seen, ("note", "Spoke to the patient's carer."))).StatusCode.ShouldBe(HttpStatusCode.SeeOther);

        var stored = await RequestAsync(Host, reference);
        stored.Status.ShouldBe(RequestStatus.Done);
        stored.Notes.Select(n => (n.Author, n.Text)).ShouldBe([("noter@riverside.example", "Spoke to the patient's carer.")]);
    }
}
