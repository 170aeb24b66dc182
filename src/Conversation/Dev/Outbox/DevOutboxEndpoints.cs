using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Inbox.Storage;

namespace PatientContact.Conversation.Dev.Outbox;

/// <summary>
/// <c>GET /dev/outbox?to=+447700900123</c>: the texts queued for a number, newest first, so a developer
/// can read one-time codes and confirmations without a phone. Mapped only in Development; elsewhere
/// the path does not exist (404).
/// </summary>
public static class DevOutboxEndpoints
{
    public const string Path = "/dev/outbox";

    private const int Limit = 50;

    public static IEndpointRouteBuilder MapDevOutbox(this IEndpointRouteBuilder app, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(environment);
        if (!environment.IsDevelopment())
        {
            return app;
        }

        app.MapGet(Path, async (string? to, IOutboxStore outbox, CancellationToken ct) =>
        {
            // A "+" typed into a query string arrives as a space; the phone parser reads both forms.
            var phone = string.IsNullOrWhiteSpace(to)
                ? Parsed<UkPhone>.Fail("no number")
                : PhoneParser.Parse(to.Trim().StartsWith("44", StringComparison.Ordinal) ? "+" + to.Trim() : to);
            if (!phone.Ok)
            {
                return Results.Problem(
                    title: "Which number?",
                    detail: "Give the recipient as ?to=%2B447700900123 (or ?to=07700900123).",
                    statusCode: StatusCodes.Status400BadRequest);
            }

            var texts = await outbox.ListForRecipientAsync(phone.Value!.E164, Limit, ct);
            return Results.Json(texts.Select(t => new DevOutboxText(t.To, t.Body, t.CreatedAt, Status(t.Status))));
        });
        return app;
    }

    private static string Status(OutboxStatus status) => status switch
    {
        OutboxStatus.Pending => "pending",
        OutboxStatus.Sending => "sending",
        OutboxStatus.Sent => "sent",
        OutboxStatus.Failed => "failed",
        _ => "held",
    };

    /// <summary>One text as the dev outbox shows it.</summary>
    public sealed record DevOutboxText(string To, string Body, DateTimeOffset CreatedAt, string Status);
}
