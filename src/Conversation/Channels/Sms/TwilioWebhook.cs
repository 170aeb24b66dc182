using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Web;

namespace PatientContact.Conversation.Channels.Sms;

/// <summary>
/// <c>POST /sms/twilio</c>: Twilio's messaging webhook. The signature is checked against the public
/// URL before anything else is read or stored (<see cref="TwilioSignedForm"/>); the answer is TwiML.
/// Mapping it maps the delivery reports too (<see cref="TwilioStatusCallback"/>).
/// </summary>
public static partial class TwilioWebhook
{
    public const string Path = "/sms/twilio";

    public static IEndpointRouteBuilder MapTwilioWebhook(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost(Path, HandleAsync).DisableAntiforgery();
        app.MapTwilioStatusCallback();
        return app;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext http,
        IOptions<TwilioOptions> twilio,
        IOptions<PublicAddressOptions> webhook,
        SmsConversation sms,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(TwilioWebhook).FullName!);
        var (fields, refused) = await TwilioSignedForm.ReadAsync(http, Path, twilio.Value, webhook.Value, logger, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        // Signed by Twilio from here on.
        string Field(string name) => TwilioSignedForm.Field(fields!, name);
        string messageSid = Field("MessageSid"), from = Field("From"), to = Field("To");
        if (messageSid.Length is 0 or > 64 || !E164().IsMatch(from) || !E164().IsMatch(to))
        {
            LogRejected(logger, "MessageSid, From or To missing or malformed");
            return Results.Text("MessageSid, From and To (E.164) are required.", "text/plain", statusCode: StatusCodes.Status400BadRequest);
        }

        var numMedia = int.TryParse(Field("NumMedia"), NumberStyles.None, CultureInfo.InvariantCulture, out var media) ? media : 0;
        var pictures = new List<InboundMedia>();
        for (var i = 0; i < Math.Min(numMedia, TwilioMedia.MaxMedia); i++)
        {
            var url = Field($"MediaUrl{i.ToString(CultureInfo.InvariantCulture)}");
            if (url.Length > 0)
            {
                pictures.Add(new InboundMedia(url, Field($"MediaContentType{i.ToString(CultureInfo.InvariantCulture)}")));
            }
        }

        var reply = await sms.HandleAsync(new InboundSms(messageSid, from, to, Field("Body"), numMedia) { Media = pictures }, cancellationToken);
        return Results.Bytes(Twiml.Render(reply?.Text), Twiml.ContentType);
    }

    /// <summary>An E.164 number as Twilio writes one.</summary>
    internal static bool IsE164(string value) => E164().IsMatch(value);

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Twilio webhook refused (403): {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);
}
