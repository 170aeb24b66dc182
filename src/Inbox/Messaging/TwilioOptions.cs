namespace PatientContact.Inbox.Messaging;

/// <summary>The Twilio account the service texts through and whose webhooks it accepts (<c>Twilio:*</c>).</summary>
public sealed class TwilioOptions
{
    public const string Section = "Twilio";

    /// <summary>The account SID (<c>AC...</c>); the user name of the REST API's Basic auth.</summary>
    [RequiredOutsideDevelopment("the Twilio account texts are sent from")]
    public string? AccountSid { get; set; }

    /// <summary>The auth token: the REST API's password and the key webhook signatures are made with. A secret.</summary>
    [RequiredOutsideDevelopment("the Twilio auth token (REST API password and webhook signing key)")]
    public string? AuthToken { get; set; }

    /// <summary>
    /// Where the REST API is; only tests point it elsewhere (a fake on loopback). Required all the same: a deployment
    /// says where its texts go rather than inheriting the default.
    /// </summary>
    [RequiredOutsideDevelopment("the Twilio REST API address, https://api.twilio.com")]
    public Uri ApiBaseUrl { get; set; } = new("https://api.twilio.com");
}
