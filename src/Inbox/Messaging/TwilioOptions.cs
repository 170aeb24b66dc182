namespace PatientContact.Inbox.Messaging;

/// <summary>The Twilio account the service texts through and whose webhooks it accepts (<c>Twilio:*</c>).</summary>
public sealed class TwilioOptions
{
    public const string Section = "Twilio";

    /// <summary>The account SID (<c>AC...</c>); the user name of the REST API's Basic auth.</summary>
    public string? AccountSid { get; set; }

    /// <summary>The auth token: the REST API's password and the key webhook signatures are made with. A secret.</summary>
    public string? AuthToken { get; set; }

    /// <summary>Where the REST API is; only tests point it elsewhere (a fake on loopback).</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://api.twilio.com");
}
