using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PatientContact.Conversation.Intake;

namespace PatientContact.Conversation.Channels.DirectLine;

/// <summary>What the patient's client posted, reduced to what the service reads from it.</summary>
/// <param name="Type">The activity type ("message", "typing", ...).</param>
/// <param name="Text">The text typed or chosen; null when there is none.</param>
/// <param name="ClientActivityId">The widget's id for the post, the same on every retry of it.</param>
/// <param name="HasAttachments">Cards or files named in the activity itself, which the service does not take (uploaded files are <see cref="Files"/>).</param>
public sealed record IncomingActivity(string Type, string? Text, string? ClientActivityId, bool HasAttachments)
{
    public bool IsMessage => Type == "message";

    /// <summary>
    /// The files of an upload (its <c>file</c> parts) in order, read up to the photo size limit: an entry is null for a
    /// file that went past it (its bytes were read past, not kept).
    /// </summary>
    public IReadOnlyList<byte[]?> Files { get; init; } = [];
}

/// <summary>Reading posted activities and writing the ones the service sends, in Direct Line 3.0's shape.</summary>
public static class DirectLineActivities
{
    /// <summary>The largest activity body read; anything bigger is refused before it is parsed.</summary>
    public const int MaxActivityBytes = 32 * 1024;

    private const int MaxClientActivityIdLength = 128;
    private const string Locale = "en-GB";

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 32 };

    /// <summary>Reads a posted activity; returns a reason instead when it is not one.</summary>
    public static IncomingActivity? TryRead(ReadOnlySpan<byte> json, out string? problem)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: ParseOptions);
        }
        catch (JsonException)
        {
            problem = "The activity is not valid JSON.";
            return null;
        }

        if (node is not JsonObject activity)
        {
            problem = "The activity must be a JSON object.";
            return null;
        }

        if (activity["type"] is not JsonValue typeValue || !typeValue.TryGetValue<string>(out var type) || type.Length is 0 or > 64)
        {
            problem = "The activity needs a type, such as \"message\".";
            return null;
        }

        string? text = null;
        if (activity["text"] is { } textNode)
        {
            if (textNode is not JsonValue textValue || !textValue.TryGetValue(out text))
            {
                problem = "The activity's text must be a string.";
                return null;
            }
        }

        string? clientId = null;
        if (activity["channelData"] is JsonObject channelData && channelData["clientActivityID"] is { } idNode)
        {
            if (idNode is not JsonValue idValue || !idValue.TryGetValue(out clientId) || clientId.Length is 0 or > MaxClientActivityIdLength)
            {
                problem = $"channelData.clientActivityID must be a string of 1 to {MaxClientActivityIdLength} characters.";
                return null;
            }
        }

        var hasAttachments = activity["attachments"] is JsonArray { Count: > 0 };
        problem = null;
        return new IncomingActivity(type, text, clientId, hasAttachments);
    }

    /// <summary>The patient's own activity as the stream shows it back: the widget matches it by clientActivityID.</summary>
    /// <param name="thumbnails">Small JPEGs of the photos that passed the checks, shown in the patient's own message.</param>
    public static string Echo(string id, IncomingActivity activity, string conversationId, string userId, DateTimeOffset at, IReadOnlyList<byte[]>? thumbnails = null)
    {
        var echo = Base(id, conversationId, at);
        echo["from"] = new JsonObject { ["id"] = userId, ["role"] = "user" };
        if (activity.Text is not null)
        {
            echo["text"] = activity.Text;
        }

        echo["textFormat"] = "plain";
        echo["locale"] = Locale;
        if (activity.ClientActivityId is not null)
        {
            echo["channelData"] = new JsonObject { ["clientActivityID"] = activity.ClientActivityId };
        }

        if (thumbnails is { Count: > 0 })
        {
            // The widget shows a patient's own attachment as a picture when it has a thumbnailUrl; a data URL needs no
            // address anyone could open.
            echo["attachments"] = new JsonArray([.. thumbnails.Select((t, i) => (JsonNode)new JsonObject
            {
                ["contentType"] = "image/jpeg",
                ["contentUrl"] = "data:image/jpeg;base64," + Convert.ToBase64String(t),
                ["thumbnailUrl"] = "data:image/jpeg;base64," + Convert.ToBase64String(t),
                ["name"] = $"Photo {(i + 1).ToString(CultureInfo.InvariantCulture)}",
            })]);
        }

        return echo.ToJsonString();
    }

    /// <summary>
    /// The service's replies of one turn. Every one carries its step; the last carries the question's
    /// choices as buttons and expects input, the ones before it do not.
    /// </summary>
    public static IReadOnlyList<string> Replies(
        IReadOnlyList<BotReply> replies,
        string conversationId,
        string serviceId,
        string serviceName,
        string userId,
        string? replyToId,
        DateTimeOffset at)
    {
        var activities = new List<string>(replies.Count);
        for (var i = 0; i < replies.Count; i++)
        {
            activities.Add(Reply(replies[i], NewActivityId(conversationId), i == replies.Count - 1, conversationId, serviceId, serviceName, userId, replyToId, at));
        }

        return activities;
    }

    /// <summary>One message from the service that is not a step's question (a notice), shown before the turn's replies.</summary>
    public static string Notice(string text, Step step, string conversationId, string serviceId, string serviceName, string userId, string? replyToId, DateTimeOffset at) =>
        Reply(BotReply.Say(text, step), NewActivityId(conversationId), last: false, conversationId, serviceId, serviceName, userId, replyToId, at);

    /// <summary>Activity ids name their conversation, so one seen out of context can be traced; the rest is random.</summary>
    public static string NewActivityId(string conversationId) => conversationId + "|" + DirectLineTokens.NewId(9);

    /// <summary>The id of a stored activity (the first of a batch is the patient's echo).</summary>
    public static string? IdOf(string activityJson)
    {
        using var document = JsonDocument.Parse(activityJson);
        return document.RootElement.TryGetProperty("id", out var id) ? id.GetString() : null;
    }

    private static string Reply(
        BotReply reply, string id, bool last, string conversationId, string serviceId, string serviceName, string userId, string? replyToId, DateTimeOffset at)
    {
        var activity = Base(id, conversationId, at);
        activity["from"] = new JsonObject { ["id"] = serviceId, ["name"] = serviceName, ["role"] = "bot" };
        activity["recipient"] = new JsonObject { ["id"] = userId, ["role"] = "user" };
        activity["locale"] = Locale;
        // Plain: the widget must never read markdown or HTML into what a patient typed (the review repeats it).
        activity["text"] = reply.Text;
        activity["textFormat"] = "plain";
        activity["inputHint"] = !last ? "ignoringInput" : reply.Step.IsEnd() ? "acceptingInput" : "expectingInput";
        if (replyToId is not null)
        {
            activity["replyToId"] = replyToId;
        }

        if (last && reply.Choices.Count > 0)
        {
            var actions = new JsonArray();
            foreach (var choice in reply.Choices)
            {
                // The label as the value: the parser takes it, and the patient's bubble reads as what they chose.
                actions.Add(new JsonObject { ["type"] = "imBack", ["title"] = choice.Label, ["value"] = choice.Label });
            }

            activity["suggestedActions"] = new JsonObject { ["actions"] = actions };
        }

        activity["channelData"] = new JsonObject { ["step"] = reply.Step.ToId() };
        return activity.ToJsonString();
    }

    private static JsonObject Base(string id, string conversationId, DateTimeOffset at) => new()
    {
        ["type"] = "message",
        ["id"] = id,
        ["timestamp"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        ["channelId"] = "webchat",
        ["conversation"] = new JsonObject { ["id"] = conversationId },
    };
}
