using PatientContact.EndToEnd.Tests.Sms;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Requests;
using static PatientContact.EndToEnd.Tests.Matching.MatchingChannels;

namespace PatientContact.EndToEnd.Tests.Matching;

/// <summary>
/// SPEC section 4 end to end by SMS, through the Twilio webhook: Jane Smith texting from her mobile, or
/// proving it with a code, arrives matched with NHS number 9000000009; an unverified or different
/// mobile, a wrong date of birth or PDS switched off arrive unmatched with the reason. The patient is
/// told the same in every case.
/// </summary>
[Collection(MatchingCollection.Name)]
public sealed class MatchingBySmsTests(MatchingHosts fixture)
{
    [Fact]
    public async Task By_sms_jane_texting_from_her_mobile_or_proving_it_with_a_code_arrives_matched_and_every_other_case_unmatched_with_the_same_replies()
    {
        var outcomes = await BySmsAsync(
            fixture.Host,
            fixture.Twilio,
            new SmsPatient("+447700900123"),
            new SmsPatient("+447700900561"),
            new SmsPatient("+447700900562", HasPhone: false),
            new SmsPatient("+447700900997", Phone: "07700 900997"),
            new SmsPatient("+447700900563", Phone: "07700 900563", Born: "21/10/2010"));
        var pdsOff = (await BySmsAsync(fixture.PdsOff, fixture.PdsOffTwilio, new SmsPatient("+447700900123"))).Single();
        var (fromHerMobile, withCode, unverified, otherMobile, wrongBirthday) = (outcomes[0], outcomes[1], outcomes[2], outcomes[3], outcomes[4]);

        fromHerMobile.Request.Match.ShouldBe(Matched);
        withCode.Request.Match.ShouldBe(Matched);
        unverified.Request.Match.ShouldBe(Unmatched(MatchReason.PhoneNotVerified));
        otherMobile.Request.Match.ShouldBe(Unmatched(MatchReason.PhoneNotOnRecord));
        wrongBirthday.Request.Match.ShouldBe(Unmatched(MatchReason.NoMatch));
        pdsOff.Request.Match.ShouldBe(Unmatched(MatchReason.PdsUnavailable));
        foreach (var other in new[] { withCode, unverified, otherMobile, wrongBirthday, pdsOff })
        {
            other.Told.ShouldBe(fromHerMobile.Told);
        }
    }

    /// <summary>
    /// Patients texting the service's number through the Twilio webhook, each text signed by Twilio's own
    /// library. The patients go step by step side by side, so each step's texts are signed in one run.
    /// </summary>
    private static async Task<List<Outcome>> BySmsAsync(ServiceHost host, TwilioSms twilio, params SmsPatient[] patients)
    {
        // Each code is read as the newest text to its number, so two patients side by side never wait for codes to one number.
        patients.Where(p => p.NeedsCode).GroupBy(p => p.Phone).ShouldAllBe(g => g.Count() == 1);
        using var http = host.CreateClient();
        var opening = await TextAllAsync(twilio, patients, p => p.Opening());
        var codes = new List<string[]>();
        for (var i = 0; i < patients.Length; i++)
        {
            var needsCode = patients[i].NeedsCode;
            opening[i][^1].Message!.ShouldContain(needsCode ? "code" : "How should we reply");
            codes.Add(needsCode ? [await CodeFromDevOutboxAsync(http, E164(patients[i].Phone))] : []);
        }

        var afterCode = await TextAllAsync(twilio, patients, p => codes[Array.IndexOf(patients, p)]);
        for (var i = 0; i < patients.Length; i++)
        {
            (afterCode[i].Count > 0 ? afterCode[i] : opening[i])[^1].Message!.ShouldContain("How should we reply");
        }

        var submitted = await TextAllAsync(twilio, patients, _ => ["1", "1"]);
        var outcomes = new List<Outcome>();
        for (var i = 0; i < patients.Length; i++)
        {
            outcomes.Add(await OutcomeAsync(host, submitted[i][^1].Message!, patients[i].Phone, http, E164(patients[i].Phone)));
        }

        return outcomes;
    }

    /// <summary>Each patient's texts, signed all together in one run of Twilio's library, then posted in order per patient.</summary>
    private static async Task<List<List<SmsReply>>> TextAllAsync(TwilioSms twilio, SmsPatient[] patients, Func<SmsPatient, IReadOnlyList<string>> texts)
    {
        var forms = patients.Select(p => texts(p).Select(t => TwilioSms.Fields(TwilioSms.NewMessageSid(), p.From, SmsHost.Riverside, t)).ToList()).ToList();
        var all = forms.SelectMany(f => f).ToList();
        var signatures = all.Count == 0 ? [] : await twilio.SignAsync([.. all.Select(f => (twilio.WebhookUrl, (IReadOnlyList<KeyValuePair<string, string>>)f))]);
        var replies = new List<List<SmsReply>>();
        var next = 0;
        foreach (var patientForms in forms)
        {
            var patientReplies = new List<SmsReply>();
            foreach (var form in patientForms)
            {
                var reply = await twilio.PostAsync(form, signatures[next++]);
                reply.Status.ShouldBe(System.Net.HttpStatusCode.OK, reply.Body);
                patientReplies.Add(reply);
            }

            replies.Add(patientReplies);
        }

        return replies;
    }

    /// <summary>A patient texting from <paramref name="From"/>; Jane Smith unless told otherwise.</summary>
    private sealed record SmsPatient(
        string From, string First = "Jane", string Last = "Smith", string Born = "22/10/2010", string Postcode = "LS1 6AE", string Phone = Jane, bool HasPhone = true)
    {
        /// <summary>A code is texted when the number given is not the one texting, and the patient has it with them.</summary>
        public bool NeedsCode => E164(Phone) != From && HasPhone;

        /// <summary>From the first text to the answer before the code (or before how to reply).</summary>
        public IReadOnlyList<string> Opening()
        {
            // "new request", not "hi": the web chat tests of this collection submit requests with
            // Jane's mobile as the contact number, and a plain text from it would then be a reply to
            // that request (SPEC section 10), whichever test runs first.
            var texts = new List<string> { "new request", "1", "1", "I have had a cough for two weeks.", "2", "1", First, Last, Born, "1", Postcode, Phone };
            if (E164(Phone) != From)
            {
                texts.Add(HasPhone ? "1" : "2");
            }

            return texts;
        }
    }

}
