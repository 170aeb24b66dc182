using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PatientContact.EndToEnd.Tests.Inbox;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using static PatientContact.EndToEnd.Tests.Inbox.InboxTestSupport;

namespace PatientContact.EndToEnd.Tests.Form;

/// <summary>
/// The form channel over real HTTP with no browser: plain posts with the anti-forgery token, as a browser without
/// JavaScript sends them, to a real Kestrel on loopback with its own SQLite file.
/// </summary>
public sealed class FormHttpTests : IAsyncLifetime
{
    private ServiceHost _host = null!;

    public async Task InitializeAsync() => _host = await ServiceHost.StartAsync(Settings());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Plain_posts_walk_the_form_with_bad_answers_back_and_a_change_to_a_reference_id()
    {
        using var form = new FormClient(_host);
        var page = await form.StartAsync();
        page.Step.ShouldBe("emergency");
        page.Path.ShouldBe("/c/riverside-gp/form/emergency");
        page.Heading.ShouldBe("Is this an emergency?");

        // Every page refuses a bad answer with the engine's own reason, keeps what was typed, and stays where it is.
        await RefusedAsync(form, "emergency", "Choose one of the answers.", ("answer", ""));
        await RefusedAsync(form, "emergency", "Sorry, we did not understand that.", ("answer", "9"));
        page = await form.AnswerAsync("1");
        page.Step.ShouldBe("request-type");
        await RefusedAsync(form, "request-type", "Choose one of the answers.", ("answer", ""));
        page = await form.AnswerAsync("1");
        page.Step.ShouldBe("details");
        page.Html.ShouldContain("You can enter up to 1,000 characters");
        await RefusedAsync(form, "details", "Please tell us a bit more", ("answer", "ok"));
        form.Page.Value("answer").ShouldBeNull("a textarea keeps its words as content");
        form.Page.Html.ShouldContain(">ok</textarea>");
        page = await form.AnswerAsync("I have had a cough for two weeks and it is not getting better.");
        page.Step.ShouldBe("proxy");
        await RefusedAsync(form, "proxy", "Choose one of the answers.", ("answer", ""));
        page = await form.AnswerAsync("1");
        page.Step.ShouldBe("first-name");
        page.Html.ShouldContain("autocomplete=\"given-name\"");
        await RefusedAsync(form, "first-name", "The first name can only have letters, spaces, hyphens and apostrophes.", ("answer", "J4ne"));
        form.Page.Value("answer").ShouldBe("J4ne");
        page = await form.AnswerAsync("Jane");
        page.Step.ShouldBe("last-name");
        page.Html.ShouldContain("autocomplete=\"family-name\"");
        await RefusedAsync(form, "last-name", "Please give the last name.", ("answer", ""));
        page = await form.AnswerAsync("Smith");
        page.Step.ShouldBe("date-of-birth");
        page.Html.ShouldContain("autocomplete=\"bday-day\"");
        await RefusedAsync(form, "date-of-birth", "cannot be in the future", ("answer-day", "22"), ("answer-month", "10"), ("answer-year", "2990"));
        form.Page.Value("answer-year").ShouldBe("2990");
        page = await form.AnswerAsync(("answer-day", "22"), ("answer-month", "10"), ("answer-year", "2010"));
        page.Step.ShouldBe("gender");

        // Back: the date of birth again, with the answer in its fields; sending it again carries on.
        page = await form.BackAsync();
        page.Step.ShouldBe("date-of-birth");
        page.Value("answer-day").ShouldBe("22");
        page.Value("answer-month").ShouldBe("10");
        page.Value("answer-year").ShouldBe("2010");
        page = await form.AnswerAsync(("answer-day", "22"), ("answer-month", "10"), ("answer-year", "2010"));
        page.Step.ShouldBe("gender");
        await RefusedAsync(form, "gender", "Choose one of the answers.", ("answer", ""));
        page = await form.AnswerAsync("1");
        page.Step.ShouldBe("postcode");
        page.Html.ShouldContain("autocomplete=\"postal-code\"");
        await RefusedAsync(form, "postcode", "That doesn't look like a UK postcode.", ("answer", "XYZ"));
        page = await form.AnswerAsync("ls1 6ae");
        page.Step.ShouldBe("phone");
        page.Html.ShouldContain("autocomplete=\"tel\"");
        page.Html.ShouldContain("inputmode=\"tel\"");
        await RefusedAsync(form, "phone", "phone number", ("answer", "12345"));
        page = await form.AnswerAsync("07700 900123");
        page.Step.ShouldBe("mobile-access");
        await RefusedAsync(form, "mobile-access", "Choose one of the answers.", ("answer", ""));
        page = await form.AnswerAsync("1");
        page.Step.ShouldBe("otp");
        page.Html.ShouldContain("autocomplete=\"one-time-code\"");
        page.Html.ShouldNotContain(StaffIdentityLabel);
        await RefusedAsync(form, "otp", "That code is not right. You have 4 tries left.", ("answer", "000000"));
        page = await form.AnswerAsync(await form.LastCodeAsync());
        page.Step.ShouldBe("contact-preference");
        page.Text.ShouldContain("Thank you, that code is right.");
        await RefusedAsync(form, "contact-preference", "Choose one of the answers.", ("answer", ""));
        page = await form.AnswerAsync("1");
        page.Step.ShouldBe("review");
        page.Text.ShouldContain("Check your answers before sending your request");
        page.Text.ShouldContain("First name Jane");

        // Change from the review: the question with its answer in the field, then straight back to the review.
        page = await form.GetAsync("/c/riverside-gp/form/change/first-name");
        page.Step.ShouldBe("first-name");
        page.Value("answer").ShouldBe("Jane");
        page.Html.ShouldContain("href=\"/c/riverside-gp/form/review\"");
        await RefusedAsync(form, "first-name", "The first name must include at least one letter.", ("answer", "--"));
        page = await form.AnswerAsync("Janet");
        page.Path.ShouldBe("/c/riverside-gp/form/review", "a change taken redirects to the review, so a refresh does not post it again");
        page.Step.ShouldBe("review");
        page.Text.ShouldContain("First name Janet");
        page.Text.ShouldContain("Last name Smith");

        page = await form.AnswerAsync("1");
        page.Path.ShouldBe("/c/riverside-gp/form/submitted");
        page.Heading.ShouldBe("Request sent");
        var reference = System.Text.RegularExpressions.Regex.Match(page.Html, "id=\"reference-id\">([0-9A-Z]{4}-[0-9A-Z]{4})<").Groups[1].Value;
        reference.ShouldNotBeEmpty(page.Text);
        page.Text.ShouldContain($"Your reference is {reference}");

        // It reached the inbox as a form request, the same as any other.
        var stored = await MatchedAsync(_host, reference);
        stored.Channel.ShouldBe(Channel.Form);
        stored.Patient.FirstName.ShouldBe("Janet");
        stored.Contact.Verified.ShouldBeTrue();
        stored.EnteredBy.ShouldBeNull();
        using var staff = await StaffClient.SignInAsync(_host, RiversideStaff);
        var json = await staff.Http.GetFromJsonAsync<JsonElement>($"/api/inbox/requests/{reference}");
        json.GetProperty("channel").GetString().ShouldBe("form");
        var listed = await staff.Http.GetFromJsonAsync<JsonElement>("/api/inbox/requests?channel=form");
        listed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("referenceId").GetString()).ShouldBe([reference]);
        (await staff.Http.GetFromJsonAsync<JsonElement>("/api/inbox/requests?channel=sms")).GetProperty("total").GetInt64().ShouldBe(0);

        // Refresh and the browser's back button show the page as it is now, and post nothing.
        (await form.GetAsync("/c/riverside-gp/form/review")).Path.ShouldBe("/c/riverside-gp/form/submitted");
        (await form.GetAsync("/c/riverside-gp/form/submitted")).Text.ShouldContain(reference);
    }

    [Fact]
    public async Task A_replayed_post_is_applied_once()
    {
        using var form = new FormClient(_host);
        await WalkToReviewAsync(form);
        var review = form.Page;
        var first = await form.AnswerAsync("1");
        first.Path.ShouldBe("/c/riverside-gp/form/submitted");

        // The same post again (a double click, or "resubmit" after a refresh): no second request, the same confirmation.
        var again = await form.SendAsync(review, ("answer", "1"));
        again.Path.ShouldBe("/c/riverside-gp/form/submitted");
        var requests = await _host.Services.GetRequiredService<IRequestStore>().ListAsync(new RequestQuery { ServiceIds = ["riverside-gp"], PageSize = 100 });
        requests.Total.ShouldBe(1);

        // A refused answer posted twice counts once towards the three strikes.
        using var other = new FormClient(_host);
        await other.StartAsync();
        var emergency = other.Page;
        (await other.SendAsync(emergency, ("answer", "9"))).Status.ShouldBe(HttpStatusCode.BadRequest);
        var replayed = await other.SendAsync(emergency, ("answer", "9"));
        replayed.Status.ShouldBe(HttpStatusCode.BadRequest);
        (await other.AnswerAsync("9")).Text.ShouldNotContain("If you're finding this difficult");
        (await other.AnswerAsync("9")).Text.ShouldContain("If you're finding this difficult, you can call us on 0113 496 0001.");
    }

    [Fact]
    public async Task One_client_gets_at_most_its_codes_whatever_numbers_its_forms_give()
    {
        await using var host = await ServiceHost.StartAsync(Settings(("Verification:MaxCodesPerClient", "2")));
        string[] numbers = ["07700 900201", "07700 900202", "07700 900203"];
        var steps = new List<string?>();
        foreach (var number in numbers)
        {
            using var form = new FormClient(host);
            await form.StartAsync();
            await form.AnswerAsync("1");
            await form.AnswerAsync("1");
            await form.AnswerAsync("My repeat prescription for my inhaler, please.");
            foreach (var answer in (string[])["1", "Jane", "Smith"])
            {
                await form.AnswerAsync(answer);
            }

            await form.AnswerAsync(("answer-day", "22"), ("answer-month", "10"), ("answer-year", "2010"));
            await form.AnswerAsync("1");
            await form.AnswerAsync("LS1 6AE");
            await form.AnswerAsync(number);
            var page = await form.AnswerAsync("1");
            steps.Add(page.Step);
            if (steps.Count == numbers.Length)
            {
                // The third form from the same address is told why no code comes, and carries on without one.
                page.Text.ShouldContain("We've sent as many codes as we can for now.");
            }
        }

        steps.ShouldBe(["otp", "otp", "contact-preference"]);
    }

    [Fact]
    public async Task Three_bad_answers_in_a_row_offer_the_phone_number()
    {
        using var form = new FormClient(_host);
        await form.StartAsync();
        await form.AnswerAsync("1");
        await form.AnswerAsync("1");
        await form.AnswerAsync("My repeat prescription for my inhaler, please.");
        await form.AnswerAsync("1");
        await form.AnswerAsync("Jane");
        await form.AnswerAsync("Smith");
        await form.AnswerAsync(("answer-day", "22"), ("answer-month", "10"), ("answer-year", "2010"));
        await form.AnswerAsync("1");
        form.Page.Step.ShouldBe("postcode");
        (await form.AnswerAsync("XYZ")).Html.ShouldNotContain("strikes-help");
        (await form.AnswerAsync("XYZ")).Html.ShouldNotContain("strikes-help");
        var third = await form.AnswerAsync("XYZ");
        third.Status.ShouldBe(HttpStatusCode.BadRequest);
        third.Problems.ShouldBe(["That doesn't look like a UK postcode. Please give it like LS1 6AE."]);
        third.Html.ShouldContain("id=\"strikes-help\"");
        third.Text.ShouldContain("If you're finding this difficult, you can call us on 0113 496 0001.");
    }

    [Fact]
    public async Task Emergency_and_red_flag_answers_show_the_urgent_advice()
    {
        using var form = new FormClient(_host);
        await form.StartAsync();
        var advice = await form.AnswerAsync("2");
        advice.Path.ShouldBe("/c/riverside-gp/form/emergency-advice");
        advice.Text.ShouldContain("999");
        advice.Step.ShouldBe("emergency-advice");

        using var flagged = new FormClient(_host);
        await flagged.StartAsync();
        await flagged.AnswerAsync("1");
        await flagged.AnswerAsync("1");
        var redFlag = await flagged.AnswerAsync("I have crushing chest pain and my left arm is numb.");
        redFlag.Step.ShouldBe("red-flag");
        redFlag.Text.ShouldContain("999");
        redFlag.Text.ShouldContain("Do you want to carry on with your request?");
        (await flagged.AnswerAsync("1")).Step.ShouldBe("proxy");

        // Crisis words where a name should be: the advice at once, and the same question.
        var crisis = await flagged.AnswerAsync("1");
        crisis.Step.ShouldBe("first-name");
        var said = await flagged.AnswerAsync("I want to kill myself");
        said.Step.ShouldBe("first-name");
        said.Html.ShouldContain("nhsuk-warning-callout");
        said.Text.ShouldContain("999");
    }

    [Fact]
    public async Task An_idle_form_deletes_its_answers_and_starts_again()
    {
        await _host.DisposeAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _host = await ServiceHost.StartAsync(Settings(), time: clock);
        using var form = new FormClient(_host);
        await form.StartAsync();
        await form.AnswerAsync("1");
        await form.AnswerAsync("1");
        await form.AnswerAsync("My repeat prescription for my inhaler, please.");
        form.Page.Step.ShouldBe("proxy");
        var stale = form.Page;

        clock.Advance(TimeSpan.FromMinutes(61));
        var expired = await form.GetAsync("/c/riverside-gp/form/proxy");
        expired.Path.ShouldBe("/c/riverside-gp/form/expired");
        expired.Heading.ShouldBe("Your answers were deleted");
        expired.Text.ShouldContain("there was no reply for 60 minutes");
        expired.Text.ShouldNotContain("inhaler");

        // The old page posted now changes nothing; "Start again" starts afresh.
        (await form.SendAsync(stale, ("answer", "1"))).Path.ShouldBe("/c/riverside-gp/form/expired");
        var again = await form.AnswerAsync(("answer", ""));
        again.Step.ShouldBe("emergency");
        again.Text.ShouldContain("Your earlier answers were deleted because there was no reply for 60 minutes.");
    }

    [Fact]
    public async Task The_cookie_is_bound_to_its_service_and_posts_need_the_anti_forgery_token()
    {
        using var form = new FormClient(_host);
        await form.StartAsync();
        await form.AnswerAsync("1");
        form.Page.Step.ShouldBe("request-type");

        // The same browser at another service's form has no conversation there: its start page.
        var elsewhere = await form.GetAsync("/c/northside-community/form/request-type");
        elsewhere.Path.ShouldBe("/c/northside-community/form");
        elsewhere.Text.ShouldContain("Start now");

        // A post without the token changes nothing.
        var forged = await form.Browser.PostAsync("/c/riverside-gp/form", ("step", "request-type"), ("inputId", "abc123"), ("answer", "1"));
        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await forged.Content.ReadAsStringAsync()).ShouldContain("The form could not be sent");
        (await form.GetAsync("/c/riverside-gp/form")).Step.ShouldBe("request-type");
    }

    [Fact]
    public async Task The_link_page_offers_the_form_to_everyone_and_without_script()
    {
        using var http = _host.CreateClient();
        var html = await http.GetStringAsync("/c/riverside-gp");
        html.ShouldContain("<a href=\"/c/riverside-gp/form\" id=\"use-form\">Use a form instead</a>");
        var noscript = System.Text.RegularExpressions.Regex.Match(html, "<noscript>(.*?)</noscript>", System.Text.RegularExpressions.RegexOptions.Singleline).Value;
        noscript.ShouldContain("href=\"/c/riverside-gp/form\"");
        (await http.GetAsync("/c/no-such-service/form")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private const string StaffIdentityLabel = "Identity checked by staff";

    /// <summary>Sends a bad answer: the same step comes back as 400 with the reason in the error summary and beside the field.</summary>
    private static async Task RefusedAsync(FormClient form, string step, string reason, params (string Key, string Value)[] fields)
    {
        var page = await form.AnswerAsync(fields);
        page.Status.ShouldBe(HttpStatusCode.BadRequest, page.Text);
        page.Step.ShouldBe(step);
        page.Problems.Count.ShouldBe(1, page.Text);
        page.Problems[0].ShouldContain(reason);
        page.Html.ShouldContain("class=\"nhsuk-error-message\" id=\"answer-error\"");
        page.Html.ShouldContain("<title>Error: ");
    }

    internal static async Task WalkToReviewAsync(FormClient form)
    {
        await form.StartAsync();
        await form.AnswerAsync("1");
        await form.AnswerAsync("1");
        await form.AnswerAsync("My repeat prescription for my inhaler, please.");
        await WalkOnToReviewAsync(form);
    }

    /// <summary>From who the request is for to the review, as Jane Smith for herself, with her code.</summary>
    internal static async Task WalkOnToReviewAsync(FormClient form)
    {
        foreach (var answer in (string[])["1", "Jane", "Smith"])
        {
            await form.AnswerAsync(answer);
        }

        await form.AnswerAsync(("answer-day", "22"), ("answer-month", "10"), ("answer-year", "2010"));
        await form.AnswerAsync("1");
        await form.AnswerAsync("LS1 6AE");
        await form.AnswerAsync("07700 900123");
        await form.AnswerAsync("1");
        await form.AnswerAsync(await form.LastCodeAsync());
        await form.AnswerAsync("1");
        form.Page.Step.ShouldBe("review", form.Page.Text);
    }
}
