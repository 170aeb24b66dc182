using Microsoft.Extensions.Options;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Web;

namespace PatientContact.Conversation.Channels.Sms;

/// <summary>
/// <c>POST /sms/twilio/status</c>: Twilio's delivery reports for the texts the service sent (the address each
/// text gave as its <c>StatusCallback</c>). Signed and checked exactly as the messaging webhook is; the report
/// is applied by <see cref="DeliveryReports"/>, so a late or repeated one changes nothing. Answers 204.
/// </summary>
public static partial class TwilioStatusCallback
{
    public const string Path = OutboxDeliveryOptions.StatusCallbackPath;

    public static IEndpointRouteBuilder MapTwilioStatusCallback(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost(Path, HandleAsync).DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext http,
        IOptions<TwilioOptions> twilio,
        IOptions<PublicAddressOptions> webhook,
        DeliveryReports reports,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(TwilioStatusCallback).FullName!);
        var (fields, refused) = await TwilioSignedForm.ReadAsync(http, Path, twilio.Value, webhook.Value, logger, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        string Field(string name) => TwilioSignedForm.Field(fields!, name);
        string sid = Field("MessageSid"), status = Field("MessageStatus"), to = Field("To");
        if (sid.Length is 0 or > 64 || status.Length is 0 or > 32)
        {
            LogMalformed(logger);
            return Results.Text("MessageSid and MessageStatus are required.", "text/plain", statusCode: StatusCodes.Status400BadRequest);
        }

        int? errorCode = int.TryParse(Field("ErrorCode"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code) ? code : null;
        Guid? id = Guid.TryParseExact(http.Request.Query["message"].ToString(), "N", out var parsed) ? parsed : null;
        await reports.ApplyAsync(id, sid, status, errorCode, TwilioWebhook.IsE164(to) ? to : null, cancellationToken);
        return Results.NoContent();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A Twilio delivery report was refused (400): MessageSid or MessageStatus missing or malformed")]
    private static partial void LogMalformed(ILogger logger);
}
