using System.Net;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.Inbox.Storage;

namespace PatientContact.EndToEnd.Tests.Sms;

/// <summary>
/// <c>X-Twilio-Signature</c> as Twilio's own library computes it: only a text signed for the public
/// URL with the service's auth token gets in; anything else is refused with 403 and leaves no trace.
/// </summary>
public sealed class SmsSignatureTests(SmsHost sms) : IClassFixture<SmsHost>
{
    [Fact]
    public async Task A_signature_made_with_another_token_gets_403_and_stores_nothing()
    {
        const string from = "+447700900501";
        var fields = TwilioSms.Fields(TwilioSms.NewMessageSid(), from, SmsHost.Riverside, "hello");
        var forged = await TwilioPeer.SignAsync(TwilioSms.NewAuthToken(), [(sms.Twilio.WebhookUrl, fields)]);

        var reply = await sms.Twilio.PostAsync(fields, forged[0]);

        await ShouldBeRefusedAsync(reply, from);
    }

    [Fact]
    public async Task A_text_without_a_signature_gets_403_and_stores_nothing()
    {
        const string from = "+447700900502";

        var reply = await sms.Twilio.PostAsync(TwilioSms.Fields(TwilioSms.NewMessageSid(), from, SmsHost.Riverside, "hello"), signature: null);

        await ShouldBeRefusedAsync(reply, from);
    }

    [Theory]
    [InlineData("http://127.0.0.1:1/sms/twilio", "+447700900510")]
    [InlineData("https://attacker.example/sms/twilio", "+447700900511")]
    [InlineData("{base}/sms/twilio/", "+447700900512")]
    [InlineData("{base}/sms/other", "+447700900513")]
    public async Task A_signature_for_another_url_gets_403_and_stores_nothing(string signedUrl, string from)
    {
        var fields = TwilioSms.Fields(TwilioSms.NewMessageSid(), from, SmsHost.Riverside, "hello");
        var url = signedUrl.Replace("{base}", sms.Host.BaseAddress.ToString().TrimEnd('/'), StringComparison.Ordinal);
        var signature = await sms.Twilio.SignAsync([(url, fields)]);

        var reply = await sms.Twilio.PostAsync(fields, signature[0]);

        await ShouldBeRefusedAsync(reply, from);
    }

    [Fact]
    public async Task A_text_changed_after_signing_gets_403()
    {
        const string from = "+447700900503";
        var fields = TwilioSms.Fields(TwilioSms.NewMessageSid(), from, SmsHost.Riverside, "hello");
        var signature = await sms.Twilio.SignAsync([(sms.Twilio.WebhookUrl, fields)]);
        var changed = fields.Select(f => f.Key == "Body" ? new KeyValuePair<string, string>("Body", "hello!") : f).ToList();
        var added = fields.Append(new("Extra", "unsigned")).ToList();

        await ShouldBeRefusedAsync(await sms.Twilio.PostAsync(changed, signature[0]), from);
        await ShouldBeRefusedAsync(await sms.Twilio.PostAsync(added, signature[0]), from);
    }

    [Fact]
    public async Task Fields_twilio_adds_without_notice_are_signed_over_in_ordinal_order()
    {
        const string from = "+447700900504";
        // "B1" sorts before "a1" ordinally but after it by culture; "Xtra" and "xtra" are two fields.
        var fields = TwilioSms.Fields(TwilioSms.NewMessageSid(), from, SmsHost.Riverside, "hello");
        fields.AddRange([new("a1", "first"), new("B1", "second"), new("Xtra", "upper"), new("xtra", "lower"), new("NewTwilioField", "ü ✓")]);
        var signature = await sms.Twilio.SignAsync([(sms.Twilio.WebhookUrl, fields)]);

        var reply = await sms.Twilio.PostAsync(fields, signature[0]);

        reply.Status.ShouldBe(HttpStatusCode.OK);
        reply.Message!.ShouldStartWith("Welcome to Riverside GP Practice.");
    }

    [Fact]
    public async Task The_query_string_twilio_called_is_part_of_the_signed_url()
    {
        const string from = "+447700900505";
        var fields = TwilioSms.Fields(TwilioSms.NewMessageSid(), from, SmsHost.Riverside, "hello");
        var signatures = await sms.Twilio.SignAsync([(sms.Twilio.WebhookUrl + "?region=leeds&x=a%20b", fields), (sms.Twilio.WebhookUrl, fields)]);

        await ShouldBeRefusedAsync(await sms.Twilio.PostAsync(fields, signatures[1], "/sms/twilio?region=leeds&x=a%20b"), from);
        var reply = await sms.Twilio.PostAsync(fields, signatures[0], "/sms/twilio?region=leeds&x=a%20b");

        reply.Status.ShouldBe(HttpStatusCode.OK);
        reply.ContentType.ShouldBe("application/xml");
    }

    [Fact]
    public async Task A_form_that_is_not_urlencoded_gets_403()
    {
        using var client = sms.Host.CreateClient();
        using var content = new MultipartFormDataContent { { new StringContent("hello"), "Body" } };

        var response = await client.PostAsync(TwilioSms.Path, content);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    private async Task ShouldBeRefusedAsync(SmsReply reply, string from)
    {
        reply.Status.ShouldBe(HttpStatusCode.Forbidden);
        reply.Body.ShouldBeEmpty();
        (await sms.ConversationsOfAsync(from)).ShouldBeEmpty();
        (await sms.Get<IOptOutStore>().IsOptedOutAsync(from)).ShouldBeFalse();
    }
}

/// <summary>
/// Behind a TLS-terminating proxy Twilio signs the public https URL, which may or may not carry the
/// default port; the service accepts both forms, as Twilio's own validators do, and no other port.
/// </summary>
public sealed class SmsPublicUrlTests
{
    [Theory]
    [InlineData("https://contact.example.nhs.uk")]
    [InlineData("https://contact.example.nhs.uk:443/")]
    public async Task The_public_url_is_accepted_with_and_without_its_default_port_and_no_other(string publicBaseUrl)
    {
        var token = TwilioSms.NewAuthToken();
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string?>
        {
            ["Twilio:AuthToken"] = token,
            ["PublicBaseUrl"] = publicBaseUrl,
        });
        var twilio = new TwilioSms(host, token, publicBaseUrl);
        (string Url, HttpStatusCode Expected)[] cases =
        [
            ("https://contact.example.nhs.uk/sms/twilio", HttpStatusCode.OK),
            ("https://contact.example.nhs.uk:443/sms/twilio", HttpStatusCode.OK),
            ("https://contact.example.nhs.uk:8443/sms/twilio", HttpStatusCode.Forbidden),
            ("http://contact.example.nhs.uk/sms/twilio", HttpStatusCode.Forbidden),
            ($"{host.BaseAddress.ToString().TrimEnd('/')}/sms/twilio", HttpStatusCode.Forbidden),
        ];
        var requests = cases.Select((c, i) => (c.Url, (IReadOnlyList<KeyValuePair<string, string>>)TwilioSms.Fields(TwilioSms.NewMessageSid(), $"+44770090052{i}", SmsHost.Riverside, "hello"))).ToList();
        var signatures = await twilio.SignAsync(requests);

        for (var i = 0; i < cases.Length; i++)
        {
            (await twilio.PostAsync(requests[i].Item2, signatures[i])).Status.ShouldBe(cases[i].Expected, cases[i].Url);
        }
    }
}
