using Microsoft.AspNetCore.DataProtection;
using PatientContact.Inbox.Requests;

namespace PatientContact.Conversation.Channels.Form;

/// <summary>
/// A conversation on pages, as its cookie holds it: the service, the conversation's id, the follow-up link it came
/// from (if any) and, on the staff channel, the member of staff entering it. The cookie is protected (it cannot be
/// read or made up) and scoped to the service's pages, so it never opens another service's conversation.
/// </summary>
public sealed record FormConversation(string ServiceId, string Id, Channel Channel, string? FollowUpLinkId = null, string? EnteredBy = null)
{
    /// <summary>The engine's conversation key.</summary>
    public string Key => $"{(Channel == Channel.Staff ? "staff" : "form")}:{ServiceId}:{Id}";

    public static FormConversation New(string serviceId, Channel channel, string? followUpLinkId = null, string? enteredBy = null) =>
        new(serviceId, Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)), channel, followUpLinkId, enteredBy);
}

/// <summary>Writes and reads the conversation cookie of the form pages.</summary>
public sealed class FormCookies(IDataProtectionProvider protection)
{
    public const string PatientCookie = "pc-form";
    public const string StaffCookie = "pc-staff-entry";

    private readonly IDataProtector _protector = protection.CreateProtector("PatientContact.Form.Conversation.v1");

    /// <summary>Sets the cookie for <paramref name="path"/> (the pages it is for), for this browser session only.</summary>
    public void Write(HttpContext context, string name, string path, FormConversation conversation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(conversation);
        var plain = string.Join('\n', conversation.ServiceId, conversation.Id, conversation.Channel.ToString(), conversation.FollowUpLinkId ?? string.Empty, conversation.EnteredBy ?? string.Empty);
        context.Response.Cookies.Append(name, _protector.Protect(plain), new CookieOptions
        {
            Path = path,
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            IsEssential = true,
        });
    }

    /// <summary>The conversation the cookie names, when it is for this service and channel (and member of staff); null otherwise.</summary>
    public FormConversation? Read(HttpContext context, string name, string serviceId, Channel channel, string? enteredBy = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Read(context, name, channel, enteredBy) is { } conversation && conversation.ServiceId == serviceId)
        {
            return conversation;
        }

        return null;
    }

    /// <summary>The conversation the cookie names for this channel (and member of staff), whatever its service; null otherwise.</summary>
    public FormConversation? Read(HttpContext context, string name, Channel channel, string? enteredBy = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Cookies[name] is not { Length: > 0 and < 2048 } value)
        {
            return null;
        }

        string plain;
        try
        {
            plain = _protector.Unprotect(value);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }

        var parts = plain.Split('\n');
        if (parts.Length != 5 || !Enum.TryParse<Channel>(parts[2], out var stored) || stored != channel)
        {
            return null;
        }

        var staff = parts[4].Length == 0 ? null : parts[4];
        if (!string.Equals(staff, enteredBy, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return new FormConversation(parts[0], parts[1], stored, parts[3].Length == 0 ? null : parts[3], staff);
    }

    public static void Delete(HttpContext context, string name, string path) =>
        context.Response.Cookies.Delete(name, new CookieOptions { Path = path });
}

/// <summary>
/// What a turn said before the question it moved to, kept for the page the browser is sent to next (post,
/// redirect, get): shown once, then gone. Protected like the conversation cookie; it never holds an answer.
/// </summary>
public sealed class FormNotices(IDataProtectionProvider protection)
{
    public const string Cookie = "pc-form-said";

    /// <summary>Kept under the browser's cookie size limit with room for the protection.</summary>
    private const int MaxChars = 2400;

    private readonly IDataProtector _protector = protection.CreateProtector("PatientContact.Form.Notices.v1");

    public void Write(HttpContext context, string path, string conversationId, string step, IReadOnlyList<Intake.BotReply> said)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(said);
        var kept = new List<SaidLine>();
        var total = 0;
        foreach (var reply in said)
        {
            total += reply.Text.Length;
            if (total > MaxChars)
            {
                break;
            }

            kept.Add(new SaidLine(reply.Text, reply.Urgent));
        }

        if (kept.Count == 0)
        {
            return;
        }

        var json = System.Text.Json.JsonSerializer.Serialize(new SaidCookie(conversationId, step, kept));
        context.Response.Cookies.Append(Cookie, _protector.Protect(json), new CookieOptions
        {
            Path = path,
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            IsEssential = true,
        });
    }

    /// <summary>What was said before the page for <paramref name="step"/> of this conversation, removing the cookie; empty when nothing was.</summary>
    public IReadOnlyList<Intake.BotReply> Take(HttpContext context, string path, string conversationId, Intake.Step step)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Cookies[Cookie] is not { Length: > 0 } value)
        {
            return [];
        }

        context.Response.Cookies.Delete(Cookie, new CookieOptions { Path = path });
        try
        {
            var said = System.Text.Json.JsonSerializer.Deserialize<SaidCookie>(_protector.Unprotect(value));
            if (said is null || said.Conversation != conversationId || said.Step != Intake.StepIds.ToId(step))
            {
                return [];
            }

            return [.. said.Lines.Select(l => new Intake.BotReply(l.Text, step, []) { Urgent = l.Urgent })];
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or System.Text.Json.JsonException)
        {
            return [];
        }
    }

    private sealed record SaidCookie(string Conversation, string Step, List<SaidLine> Lines);

    private sealed record SaidLine(string Text, bool Urgent);
}
