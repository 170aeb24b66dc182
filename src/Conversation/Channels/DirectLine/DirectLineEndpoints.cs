using System.Globalization;
using PatientContact.Conversation.Channels.WebChat;
using PatientContact.Conversation.Intake;
using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Inbox.Web;

namespace PatientContact.Conversation.Channels.DirectLine;

/// <summary>
/// The Direct Line 3.0 subset the Web Chat widget uses, at <c>/v3/directline</c>. See
/// <c>docs/web-chat.md</c> for the calls, the answers and the status codes.
/// </summary>
public static partial class DirectLineEndpoints
{
    public const string Prefix = "/v3/directline";

    /// <summary>A poll never waits longer than this on the store; the widget gives up after 20 s.</summary>
    public static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(5);

    public static RouteGroupBuilder MapDirectLine(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).RequireCors(WebChatServiceCollectionExtensions.CorsPolicy);
        group.AddEndpointFilter(async (context, next) =>
        {
            WebChatHeaders.ForApi(context.HttpContext.Response);
            return await next(context);
        });

        group.MapPost("/conversations", StartAsync);
        group.MapGet("/conversations/{conversationId}", ReconnectAsync);
        group.MapPost("/conversations/{conversationId}/activities", PostActivityAsync);
        group.MapPost("/conversations/{conversationId}/upload", UploadAsync);
        group.MapGet("/conversations/{conversationId}/activities", GetActivitiesAsync);
        group.MapGet("/conversations/{conversationId}/stream", StreamAsync);
        group.MapPost("/tokens/refresh", Refresh);
        return group;
    }

    /// <summary>POST /conversations: opens the conversation the token was issued for (201), or finds it open (200).</summary>
    private static async Task<IResult> StartAsync(HttpContext context, DirectLineTokens tokens, WebChatConversations conversations, IHostApplicationLifetime lifetime, ILoggerFactory logs)
    {
        if (Authorize(context, tokens, conversationId: null, out var token) is { } refused)
        {
            return refused;
        }

        bool created;
        try
        {
            // Not the request's own token: a turn once begun is finished even if the client goes.
            created = await conversations.OpenAsync(token, RemoteAddress(context), lifetime.ApplicationStopping);
        }
        catch (UnknownServiceException)
        {
            return NotFound();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(Logger(logs), "start", token.ServiceId, ex.GetType().Name);
            return Unavailable();
        }

        return Fresh(context, tokens, token, watermark: 0, created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    /// <summary>GET /conversations/{id}?watermark=: a reconnect; a new token and a streamUrl that resumes after the watermark.</summary>
    private static async Task<IResult> ReconnectAsync(HttpContext context, string conversationId, string? watermark, DirectLineTokens tokens, WebChatConversations conversations, ILoggerFactory logs)
    {
        if (Authorize(context, tokens, conversationId, out var token) is { } refused)
        {
            return refused;
        }

        if (!TryParseWatermark(watermark, out var after))
        {
            return BadWatermark();
        }

        try
        {
            if (!await conversations.ExistsAsync(conversationId, context.RequestAborted))
            {
                return NotFound();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(Logger(logs), "reconnect", token.ServiceId, ex.GetType().Name);
            return Unavailable();
        }

        return Fresh(context, tokens, token, after, StatusCodes.Status200OK);
    }

    /// <summary>POST /conversations/{id}/activities: one message, one turn; answered with the echo's id.</summary>
    private static async Task<IResult> PostActivityAsync(HttpContext context, string conversationId, DirectLineTokens tokens, PostRateLimiter limiter, WebChatConversations conversations, IHostApplicationLifetime lifetime, ILoggerFactory logs)
    {
        if ((Authorize(context, tokens, conversationId, out var token) ?? TooMany(context, limiter, conversationId)) is { } refused)
        {
            return refused;
        }

        var body = await ReadLimitedAsync(context.Request.Body, context.Request.ContentLength, DirectLineActivities.MaxActivityBytes, context.RequestAborted);
        if (body is null)
        {
            return TooLarge();
        }

        var activity = DirectLineActivities.TryRead(body, out var problem);
        return activity is null
            ? DirectLineJson.Error(StatusCodes.Status400BadRequest, "BadArgument", problem!)
            : await PostAsync(context, token, activity, conversations, lifetime, logs);
    }

    /// <summary>
    /// GET /conversations/{id}/activities?watermark=: the polling read. It answers from the store at
    /// once and never with a 5xx: one error stops the widget polling for good, so a store fault is
    /// answered 200 with nothing new and the same watermark, and logged.
    /// </summary>
    private static async Task<IResult> GetActivitiesAsync(HttpContext context, string conversationId, string? watermark, DirectLineTokens tokens, WebChatConversations conversations, TimeProvider time, ILoggerFactory logs)
    {
        if (Authorize(context, tokens, conversationId, out var token) is { } refused)
        {
            return refused;
        }

        if (!TryParseWatermark(watermark, out var after))
        {
            return BadWatermark();
        }

        ActivityPage? page;
        try
        {
            page = await conversations.ReadAsync(conversationId, after, context.RequestAborted).WaitAsync(PollTimeout, time, context.RequestAborted);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogPollFault(Logger(logs), token.ServiceId, ex.GetType().Name);
            page = new ActivityPage([], after, More: false);
        }

        return page is null
            ? NotFound()
            : Results.Bytes(DirectLineJson.ActivitySet(page.Activities, page.Watermark), DirectLineJson.ContentType);
    }

    /// <summary>
    /// GET /conversations/{id}/stream?t=&amp;watermark=: the WebSocket. A browser cannot send headers on a
    /// WebSocket, so its token is in the URL: a stream-only token that lasts two minutes.
    /// </summary>
    private static async Task StreamAsync(HttpContext context, string conversationId, string? t, string? watermark, DirectLineTokens tokens, DirectLineStream stream, StreamRegistry streams, IHostApplicationLifetime lifetime)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await DirectLineJson.Error(StatusCodes.Status400BadRequest, "BadArgument", "This address takes WebSocket connections only.").ExecuteAsync(context);
            return;
        }

        var check = tokens.Check(t, TokenScope.Stream);
        if (Refuse(check, conversationId) is { } refused)
        {
            await refused.ExecuteAsync(context);
            return;
        }

        if (!TryParseWatermark(watermark, out var after))
        {
            await BadWatermark().ExecuteAsync(context);
            return;
        }

        // Refused before the upgrade: the widget then reconnects (GET conversations/{id}), by when one of the others may have gone.
        using var place = streams.TryOpen(conversationId);
        if (place is null)
        {
            context.Response.Headers.RetryAfter = "5";
            await DirectLineJson.Error(StatusCodes.Status429TooManyRequests, "TooManyRequests", $"This conversation already has {StreamRegistry.MaxPerConversation} open streams.").ExecuteAsync(context);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        await stream.RunAsync(socket, conversationId, after, stopping.Token);
    }

    /// <summary>POST /tokens/refresh: a new token for the same conversation, lasting the full lifetime again.</summary>
    private static IResult Refresh(HttpContext context, DirectLineTokens tokens)
    {
        if (Authorize(context, tokens, conversationId: null, out var token) is { } refused)
        {
            return refused;
        }

        return tokens.Refresh(token) is { } fresh
            ? DirectLineJson.Conversation(token.ConversationId, fresh.Token, tokens.ExpiresIn(fresh.Claims), streamUrl: null)
            : SessionOver();
    }

    private static async Task<IResult> PostAsync(HttpContext context, DirectLineToken token, IncomingActivity activity, WebChatConversations conversations, IHostApplicationLifetime lifetime, ILoggerFactory logs)
    {
        if (activity.Text is { Length: > TextInput.MaxInputLength })
        {
            // The engine's own limit, applied before anything is stored.
            return DirectLineJson.Error(StatusCodes.Status413PayloadTooLarge, "MessageSizeTooBig", $"The message is too long: at most {TextInput.MaxInputLength:N0} characters.");
        }

        try
        {
            var outcome = await conversations.PostAsync(token, activity, RemoteAddress(context), lifetime.ApplicationStopping);
            return outcome switch
            {
                { Found: false } => NotFound(),
                // 403 ends the conversation in the widget, which then offers to start a new one.
                { Full: true } => DirectLineJson.Error(StatusCodes.Status403Forbidden, "Forbidden", "This conversation is too long to go on. Start a new conversation."),
                _ => Results.Json(new { id = outcome.Id }),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The widget offers "Retry", which posts the same clientActivityID: applied once whatever happened here.
            LogFailed(Logger(logs), "post", token.ServiceId, ex.GetType().Name);
            return Unavailable();
        }
    }

    private static IResult Fresh(HttpContext context, DirectLineTokens tokens, DirectLineToken token, long watermark, int statusCode)
    {
        if (tokens.Refresh(token) is not { } fresh)
        {
            return SessionOver();
        }

        var origin = context.RequestServices.GetRequiredService<PublicAddress>().WebSocketOrigin(context.Request);
        var streamUrl = string.Create(CultureInfo.InvariantCulture,
            $"{origin}{Prefix}/conversations/{Uri.EscapeDataString(token.ConversationId)}/stream"
            + $"?t={Uri.EscapeDataString(tokens.IssueStreamToken(fresh.Claims))}&watermark={watermark}");
        return DirectLineJson.Conversation(token.ConversationId, fresh.Token, tokens.ExpiresIn(fresh.Claims), streamUrl, statusCode);
    }

    /// <summary>Checks the bearer token and that it is for this conversation; the answer to send when it is not.</summary>
    private static IResult? Authorize(HttpContext context, DirectLineTokens tokens, string? conversationId, out DirectLineToken token)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var bearer = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        var check = tokens.Check(bearer, TokenScope.Conversation);
        token = check.Token!;
        return Refuse(check, conversationId);
    }

    private static IResult? Refuse(TokenCheck check, string? conversationId) => check.Problem switch
    {
        TokenProblem.Missing => DirectLineJson.Error(StatusCodes.Status401Unauthorized, "Unauthorized", "Send the conversation's token as 'Authorization: Bearer <token>'."),
        TokenProblem.Expired => DirectLineJson.Error(StatusCodes.Status403Forbidden, "TokenExpired", "The token has expired. Start a new conversation."),
        TokenProblem.Invalid or TokenProblem.WrongScope => DirectLineJson.Error(StatusCodes.Status403Forbidden, "Forbidden", "The token is not valid."),
        _ when conversationId is not null && !string.Equals(conversationId, check.Token!.ConversationId, StringComparison.Ordinal) =>
            DirectLineJson.Error(StatusCodes.Status403Forbidden, "Forbidden", "The token is for another conversation."),
        _ => null,
    };

    private static bool TryParseWatermark(string? value, out long watermark)
    {
        watermark = 0;
        return string.IsNullOrEmpty(value)
            || (value.Length <= 18 && value.All(char.IsAsciiDigit) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out watermark));
    }

    /// <summary>Reads at most <paramref name="max"/> bytes; null when there are more.</summary>
    private static async Task<byte[]?> ReadLimitedAsync(Stream body, long? declaredLength, int max, CancellationToken cancellationToken) =>
        declaredLength > max ? null : await Inbox.Attachments.LimitedRead.ReadAsync(body, max, cancellationToken);

    private static string? RemoteAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString();

    private static IResult NotFound() =>
        DirectLineJson.Error(StatusCodes.Status404NotFound, "NotFound", "This conversation has ended or does not exist. Start a new conversation.");

    private static IResult TooLarge() =>
        DirectLineJson.Error(StatusCodes.Status413PayloadTooLarge, "MessageSizeTooBig", $"The activity is too large: at most {DirectLineActivities.MaxActivityBytes / 1024} KB.");

    /// <summary>429 with <c>Retry-After</c> when the conversation or the client has posted too much this minute; null when it may post.</summary>
    private static IResult? TooMany(HttpContext context, PostRateLimiter limiter, string conversationId)
    {
        if (limiter.TryAcquire(conversationId, RemoteAddress(context)) is not { } refusal)
        {
            return null;
        }

        var seconds = Math.Max(1, (int)Math.Ceiling(refusal.RetryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var who = refusal.Limit == PostLimit.Conversation ? "this conversation" : "this connection";
        return DirectLineJson.Error(StatusCodes.Status429TooManyRequests, "TooManyRequests", $"Too many messages from {who}. Try again in {seconds} seconds.");
    }

    private static IResult BadWatermark() =>
        DirectLineJson.Error(StatusCodes.Status400BadRequest, "BadArgument", "The watermark must be one this service gave.");

    private static IResult SessionOver() =>
        DirectLineJson.Error(StatusCodes.Status403Forbidden, "TokenExpired", "This conversation's time is up. Start a new conversation.");

    private static IResult Unavailable() =>
        DirectLineJson.Error(StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable", "The service could not take that just now. Please try again.");

    private static ILogger Logger(ILoggerFactory logs) => logs.CreateLogger(typeof(DirectLineEndpoints).FullName!);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A polling read for service {ServiceId} failed ({Error}); answered with nothing new")]
    private static partial void LogPollFault(ILogger logger, string serviceId, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Web chat {Call} for service {ServiceId} failed ({Error}); answered 503")]
    private static partial void LogFailed(ILogger logger, string call, string serviceId, string error);
}
