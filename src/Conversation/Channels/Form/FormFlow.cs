using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using PatientContact.Conversation.Intake;
using PatientContact.Inbox.Attachments;
using PatientContact.Rules;

namespace PatientContact.Conversation.Channels.Form;

/// <summary>Where one conversation's pages are and how they are drawn: the patient's pages or the inbox's.</summary>
/// <param name="CookiePath">The path the conversation and notice cookies are scoped to.</param>
/// <param name="StartPath">Where a browser with no conversation is sent.</param>
/// <param name="Render">Draws a page with a status code in the right frame.</param>
public sealed record FormChannel(
    FormSite Site, ServiceDefinition Service, FormConversation Conversation, string CookiePath, string StartPath,
    Func<FormPage, int, IResult> Render, string? ClientAddress);

/// <summary>
/// The pages of a conversation, the same for the patient's form and staff entry: GET shows the step the
/// conversation is at (any other step's address is sent there, so refresh and the browser's back button show what is
/// current and never post again); POST runs the page's answer through the engine and, when the conversation moved
/// on, redirects (post/redirect/get). A refused answer is shown at once, with the engine's reason and what was typed.
/// </summary>
public static class FormFlow
{
    /// <summary>The largest form body read; the longest answer (the details) is a few KB.</summary>
    public const long MaxFormBytes = 64 * 1024;

    /// <summary>What a photos page says when "Add photos" was chosen with no file.</summary>
    public const string ChooseAPhoto = "Choose a photo to add, or choose Continue to carry on without adding more.";

    private const int MaxInputIdLength = 64;

    public static async Task<IResult> ShowAsync(HttpContext context, FormChannel channel, string stepId, FormTurns turns, FormNotices notices)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(turns);
        ArgumentNullException.ThrowIfNull(notices);
        var session = await turns.ReadAsync(channel.Conversation, context.RequestAborted);
        if (session is null || session.Step == Step.Welcome)
        {
            return SeeOther(channel.StartPath);
        }

        var expired = turns.IsExpired(session);
        var current = FormTurns.PageStep(session, expired);
        if (!string.Equals(stepId, current, StringComparison.Ordinal))
        {
            return SeeOther($"{channel.Site.BasePath}/{current}");
        }

        var said = notices.Take(context, channel.CookiePath, channel.Conversation.Id, expired ? Step.Expired : session.Step);
        return channel.Render(FormPages.Build(channel.Site, channel.Service, session, expired, turns.IdleTimeout, said, endsWithQuestion: false), StatusCodes.Status200OK);
    }

    /// <summary>A review "Change" link: the answer's question, with its answer in the field; nothing changes until it is sent.</summary>
    public static async Task<IResult> ChangeAsync(HttpContext context, FormChannel channel, string stepId, FormTurns turns)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(turns);
        var session = await turns.ReadAsync(channel.Conversation, context.RequestAborted);
        if (session is null || session.Step == Step.Welcome)
        {
            return SeeOther(channel.StartPath);
        }

        var expired = turns.IsExpired(session);
        if (expired || session.Step != Step.Review || !StepIds.TryParse(stepId, out var target) || FormTurns.ChangeNumber(target) is null)
        {
            return SeeOther($"{channel.Site.BasePath}/{FormTurns.PageStep(session, expired)}");
        }

        return channel.Render(FormPages.Build(channel.Site, channel.Service, session, false, turns.IdleTimeout, [], changeOf: target), StatusCodes.Status200OK);
    }

    /// <summary>Runs a posted page. The outcome is null when nothing was run (no conversation, or a page that is not current).</summary>
    public static async Task<(IResult Result, FormOutcome? Outcome)> PostAsync(
        HttpContext context, FormChannel channel, IFormCollection form, FormTurns turns, FormNotices notices)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(turns);
        ArgumentNullException.ThrowIfNull(notices);
        var ct = context.RequestAborted;
        var session = await turns.ReadAsync(channel.Conversation, ct);
        if (session is null || session.Step == Step.Welcome)
        {
            return (SeeOther(channel.StartPath), null);
        }

        var typed = Typed(form);
        var inputId = form["inputId"].ToString();
        if (inputId.Length is 0 or > MaxInputIdLength)
        {
            // A page always sends its id; without one a repeat could not be told apart, so nothing is run.
            return (CurrentPage(channel, session, turns), null);
        }

        var answer = typed.ContainsKey("answer-day") ? FormPages.DateAnswer(typed["answer-day"], typed["answer-month"], typed["answer-year"]) : typed.GetValueOrDefault("answer") ?? string.Empty;
        var post = new FormPost(form["step"].ToString(), "form:" + inputId, answer, NullIfEmpty(form["change"]), NullIfEmpty(form["command"]));
        var outcome = await turns.PostAsync(channel.Conversation, session, post, channel.ClientAddress, ct);
        if (outcome.Stale)
        {
            return (CurrentPage(channel, session, turns), null);
        }

        // A change made from the review ends where it began (the review), yet it was taken: it redirects as a move does,
        // so a refresh never posts it again. So does "Yes" to photos, which stays at the step to show the file input.
        var taken = outcome.Moved || post.Change is not null || outcome.After == Step.Photos;
        return (await AnsweredAsync(context, channel, turns, notices, session, outcome, taken, typed), outcome);
    }

    /// <summary>
    /// Runs a photos page (<see cref="PhotoForm"/>, already read by <see cref="CheckFormAsync"/> or the staff pages' check):
    /// its files are checked and kept, or refused with their names; Continue then carries on.
    /// </summary>
    public static async Task<IResult> PostPhotosAsync(HttpContext context, FormChannel channel, FormTurns turns, FormNotices notices)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(turns);
        ArgumentNullException.ThrowIfNull(notices);
        var ct = context.RequestAborted;
        var session = await turns.ReadAsync(channel.Conversation, ct);
        if (session is null || session.Step == Step.Welcome)
        {
            return SeeOther(channel.StartPath);
        }

        var form = await context.Request.ReadFormAsync(ct);
        var inputId = form["inputId"].ToString();
        if (inputId.Length is 0 or > MaxInputIdLength)
        {
            return CurrentPage(channel, session, turns);
        }

        var files = PhotoForm.Files(context);
        var adding = form["command"] == "add";
        if (adding && files.Count == 0)
        {
            var page = FormPages.Build(channel.Site, channel.Service, session, turns.IsExpired(session), turns.IdleTimeout, [BotReply.Say(ChooseAPhoto, Step.Photos) with { Reason = true }]);
            return channel.Render(page, StatusCodes.Status400BadRequest);
        }

        var outcome = await turns.PhotosAsync(channel.Conversation, session, form["step"].ToString(), "form:" + inputId, files, carryOn: !adding, channel.ClientAddress, ct);
        if (outcome.Stale)
        {
            return CurrentPage(channel, session, turns);
        }

        return await AnsweredAsync(context, channel, turns, notices, session, outcome, taken: true, typed: null);
    }

    /// <summary>
    /// After a turn: when it was taken with nothing refused, a redirect to where the conversation is (what was said
    /// before its question kept for that page); otherwise the page at once, with the engine's reasons and what was typed.
    /// </summary>
    private static async Task<IResult> AnsweredAsync(
        HttpContext context, FormChannel channel, FormTurns turns, FormNotices notices, IntakeSession session, FormOutcome outcome, bool taken, Dictionary<string, string>? typed)
    {
        var refused = outcome.Replies.Any(r => r.Reason);
        if (taken && !refused)
        {
            // What was said before the next question goes with the redirect; an ending's own message too.
            var said = outcome.After.IsEnd() ? outcome.Replies : outcome.Replies.Take(Math.Max(0, outcome.Replies.Count - 1)).ToList();
            notices.Write(context, channel.CookiePath, channel.Conversation.Id, outcome.After.ToId(), said);
            return SeeOther(channel.Site.StepPath(outcome.After));
        }

        var now = await turns.ReadAsync(channel.Conversation, context.RequestAborted) ?? session;
        var page = FormPages.Build(channel.Site, channel.Service, now, turns.IsExpired(now), turns.IdleTimeout, outcome.Replies, refused ? typed : null);
        return channel.Render(page, refused ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }

    /// <summary>
    /// Reads the form within <see cref="MaxFormBytes"/> and checks its anti-forgery token. Null when it is fine;
    /// otherwise what to say (413 for a form too large, 400 for one not sent from this site or unreadable).
    /// </summary>
    /// <param name="photos">A photos page: read as a <see cref="PhotoForm"/>, within its limits, instead.</param>
    public static async Task<(int Status, string Heading, string Body)?> CheckFormAsync(HttpContext context, bool photos = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!photos && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxFormBytes;
        }

        try
        {
            if (!context.Request.HasFormContentType)
            {
                return (StatusCodes.Status400BadRequest, "The form could not be sent", "The form could not be read. Go back, reload the page and try again.");
            }

            if (photos)
            {
                await PhotoForm.ReadAsync(context);
            }
            else
            {
                await context.Request.ReadFormAsync(context.RequestAborted);
            }

            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return (StatusCodes.Status400BadRequest, "The form could not be sent", "The form was not sent from this site, or it has expired. Go back, reload the page and try again.");
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (StatusCodes.Status413PayloadTooLarge, "The form is too large",
                photos ? PhotoForm.TooLarge : "What was sent is more than this form takes. Go back, shorten what you typed and try again.");
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
        {
            return (StatusCodes.Status400BadRequest, "The form could not be sent", "The form could not be read. Go back, reload the page and try again.");
        }

        return null;
    }

    /// <summary>To the page of the step the conversation is at (nothing run: no page id, or a page that is not current).</summary>
    private static IResult CurrentPage(FormChannel channel, IntakeSession session, FormTurns turns) =>
        SeeOther($"{channel.Site.BasePath}/{FormTurns.PageStep(session, turns.IsExpired(session))}");

    /// <summary>303: after a form, the browser fetches the next page with GET, so a reload never posts twice.</summary>
    public static IResult SeeOther(string location) => Inbox.Staff.Pages.InboxPages.SeeOther(location);

    private static Dictionary<string, string> Typed(IFormCollection form)
    {
        var typed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in (string[])["answer", "answer-day", "answer-month", "answer-year"])
        {
            if (form.ContainsKey(key))
            {
                typed[key] = form[key].ToString();
            }
        }

        if (typed.ContainsKey("answer-day") || typed.ContainsKey("answer-month") || typed.ContainsKey("answer-year"))
        {
            foreach (var key in (string[])["answer-day", "answer-month", "answer-year"])
            {
                typed.TryAdd(key, string.Empty);
            }
        }

        return typed;
    }

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) => value.ToString() is { Length: > 0 } text ? text : null;
}
