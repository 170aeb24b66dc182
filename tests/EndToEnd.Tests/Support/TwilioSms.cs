using System.Net;
using System.Security.Cryptography;
using System.Xml.Linq;

namespace PatientContact.EndToEnd.Tests.Support;

/// <summary>
/// Plays Twilio's part of the SMS webhook against a running service: real
/// <c>application/x-www-form-urlencoded</c> posts over HTTP with the fields Twilio sends, signed by
/// Twilio's own Node library (<see cref="TwilioPeer"/>), many signatures per node run.
/// </summary>
public sealed class TwilioSms(ServiceHost host, string authToken, string? publicBaseUrl = null)
{
    public const string Path = "/sms/twilio";

    /// <summary>The auth token used in tests unless one says otherwise.</summary>
    public static string NewAuthToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The URL Twilio would call: the service's PublicBaseUrl and the webhook path.</summary>
    public string WebhookUrl => (publicBaseUrl ?? host.BaseAddress.ToString()).TrimEnd('/') + Path;

    public string AuthToken => authToken;

    public static string NewMessageSid() => "SM" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The fields Twilio posts for an incoming text (order as Twilio sends them, which is not sorted).</summary>
    public static List<KeyValuePair<string, string>> Fields(string messageSid, string from, string to, string body, int numMedia = 0)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("ToCountry", "GB"),
            new("ToState", ""),
            new("SmsMessageSid", messageSid),
            new("NumMedia", numMedia.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("ToCity", ""),
            new("FromZip", ""),
            new("SmsSid", messageSid),
            new("FromState", ""),
            new("SmsStatus", "received"),
            new("FromCity", ""),
            new("Body", body),
            new("FromCountry", "GB"),
            new("To", to),
            new("MessagingServiceSid", "MG0123456789abcdef0123456789abcdef"),
            new("ToZip", ""),
            new("NumSegments", "1"),
            new("ReferralNumMedia", "0"),
            new("MessageSid", messageSid),
            new("AccountSid", "AC0123456789abcdef0123456789abcdef"),
            new("From", from),
            new("ApiVersion", "2010-04-01"),
        };
        for (var i = 0; i < numMedia; i++)
        {
            fields.Add(new($"MediaContentType{i}", "image/jpeg"));
            fields.Add(new($"MediaUrl{i}", $"https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/{messageSid}/Media/ME{i:D32}"));
        }

        return fields;
    }

    /// <summary>Signs each request with Twilio's library (one node run for all).</summary>
    public Task<IReadOnlyList<string>> SignAsync(IReadOnlyList<(string Url, IReadOnlyList<KeyValuePair<string, string>> Fields)> requests) =>
        TwilioPeer.SignAsync(authToken, requests);

    /// <summary>Posts a form to the webhook with the given signature (null: no header).</summary>
    public async Task<SmsReply> PostAsync(IReadOnlyList<KeyValuePair<string, string>> fields, string? signature, string? pathAndQuery = null)
    {
        using var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, pathAndQuery ?? Path) { Content = new FormUrlEncodedContent(fields) };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Twilio-Signature", signature);
        }

        using var response = await client.SendAsync(request);
        return new SmsReply(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Texts each body in turn from <paramref name="from"/> to <paramref name="to"/>, each a new MessageSid, and returns the replies.</summary>
    public async Task<IReadOnlyList<SmsReply>> TextAsync(string from, string to, params string[] bodies)
    {
        var requests = bodies.Select(b => Fields(NewMessageSid(), from, to, b)).ToList();
        var signatures = await SignAsync([.. requests.Select(f => (WebhookUrl, (IReadOnlyList<KeyValuePair<string, string>>)f))]);
        var replies = new List<SmsReply>();
        for (var i = 0; i < requests.Count; i++)
        {
            var reply = await PostAsync(requests[i], signatures[i]);
            reply.Status.ShouldBe(HttpStatusCode.OK, $"text {i + 1} ('{bodies[i]}') was refused: {reply.Body}");
            replies.Add(reply);
        }

        return replies;
    }
}

/// <summary>The webhook's answer: the HTTP status, the raw body and, when it is TwiML, the message it sends.</summary>
public sealed record SmsReply(HttpStatusCode Status, string Body, string? ContentType)
{
    /// <summary>The TwiML document (throws if the body is not XML).</summary>
    public XDocument Twiml => XDocument.Parse(Body);

    /// <summary>The text of the one &lt;Message&gt;, or null for an empty &lt;Response/&gt;.</summary>
    public string? Message
    {
        get
        {
            var root = Twiml.Root!;
            root.Name.LocalName.ShouldBe("Response");
            var messages = root.Elements().ToList();
            messages.Count.ShouldBeLessThanOrEqualTo(1);
            if (messages.Count == 0)
            {
                return null;
            }

            messages[0].Name.LocalName.ShouldBe("Message");
            return messages[0].Value;
        }
    }
}
