using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientContact.Conversation.Intake;
using PatientContact.Inbox.Attachments;
using PatientContact.Inbox.Messaging;

namespace PatientContact.Conversation.Channels.Sms;

/// <summary>One picture of an MMS as the webhook named it (<c>MediaUrl{n}</c>, <c>MediaContentType{n}</c>).</summary>
public sealed record InboundMedia(string Url, string? ContentType);

/// <summary>The photos of one MMS, checked, and the media resources to delete at Twilio once the turn is stored.</summary>
public sealed record FetchedMedia(IReadOnlyList<IncomingPhoto> Photos, IReadOnlyList<Uri> ToDelete);

/// <summary>
/// Fetches an MMS's pictures from Twilio's REST API and deletes them there afterwards. A media URL is followed only
/// when it is a Media resource of this account's message on the configured <see cref="TwilioOptions.ApiBaseUrl"/>:
/// anything else is refused and logged, never fetched, so a forged webhook field cannot make the service call out
/// (or send its credentials) anywhere else. The body is read up to <see cref="PhotoCheck.MaxBytes"/> and no further.
/// </summary>
/// <remarks>
/// Twilio answers a media GET with a redirect to a short-lived address of its own content store. That one
/// redirect is followed over https (or to the API host itself), without the account's credentials.
/// </remarks>
public sealed partial class TwilioMedia(HttpMessageHandler handler, IOptions<TwilioOptions> options, ILogger<TwilioMedia> logger)
{
    /// <summary>The most media one MMS carries (Twilio allows 10).</summary>
    public const int MaxMedia = 10;

    public const string NotFetched = "We could not get that picture. Please try sending it again.";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public async Task<FetchedMedia> FetchAsync(string conversationKey, string messageSid, IReadOnlyList<InboundMedia> media, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(media);
        var photos = new List<IncomingPhoto>();
        var toDelete = new List<Uri>();
        for (var i = 0; i < media.Count && i < MaxMedia; i++)
        {
            var id = IncomingPhoto.IdFor(conversationKey, messageSid, i);
            if (!TryResource(media[i].Url, messageSid, out var resource))
            {
                LogRefusedUrl(logger);
                photos.Add(new IncomingPhoto(id, PhotoCheckResult.Refused(NotFetched)));
                continue;
            }

            toDelete.Add(resource);
            photos.Add(new IncomingPhoto(id, await FetchOneAsync(resource, ct)));
        }

        return new FetchedMedia(photos, toDelete);
    }

    /// <summary>Deletes the media at Twilio (<c>DELETE .../Media/{Sid}.json</c>); a failure is logged, never thrown: the photo is kept already.</summary>
    public async Task DeleteAsync(IReadOnlyList<Uri> resources, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(resources);
        using var client = Client();
        foreach (var resource in resources)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(resource + ".json"));
                request.Headers.Authorization = Credentials();
                using var response = await client.SendAsync(request, ct).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode && response.StatusCode != System.Net.HttpStatusCode.NotFound)
                {
                    LogDeleteFailed(logger, (int)response.StatusCode);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                LogDeleteFailed(logger, 0);
            }
        }
    }

    /// <summary>True when <paramref name="url"/> is <c>{ApiBaseUrl}/2010-04-01/Accounts/{AccountSid}/Messages/{messageSid}/Media/{MediaSid}</c>.</summary>
    internal bool TryResource(string url, string messageSid, out Uri resource)
    {
        resource = null!;
        var twilio = options.Value;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !SameOrigin(uri, twilio.ApiBaseUrl) || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
        {
            return false;
        }

        var prefix = $"/2010-04-01/Accounts/{twilio.AccountSid}/Messages/{messageSid}/Media/";
        var path = uri.AbsolutePath;
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var sid = path[prefix.Length..];
        if (sid.Length is 0 or > 64 || !sid.All(char.IsAsciiLetterOrDigit))
        {
            return false;
        }

        resource = new Uri(twilio.ApiBaseUrl, prefix + sid);
        return true;
    }

    private async Task<PhotoCheckResult> FetchOneAsync(Uri resource, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        using var client = Client();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, resource);
            request.Headers.Authorization = Credentials();
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                var target = location.IsAbsoluteUri ? location : new Uri(resource, location);
                response.Dispose();
                if (target.Scheme != Uri.UriSchemeHttps && !SameOrigin(target, options.Value.ApiBaseUrl))
                {
                    LogRefusedUrl(logger);
                    return PhotoCheckResult.Refused(NotFetched);
                }

                response = await client.GetAsync(target, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            }

            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    LogFetchFailed(logger, (int)response.StatusCode);
                    return PhotoCheckResult.Refused(NotFetched);
                }

                if (response.Content.Headers.ContentLength > PhotoCheck.MaxBytes)
                {
                    return PhotoCheckResult.Refused(PhotoCheck.TooBig);
                }

                var bytes = await ReadLimitedAsync(response.Content, timeout.Token).ConfigureAwait(false);
                return bytes is null ? PhotoCheckResult.Refused(PhotoCheck.TooBig) : PhotoCheck.Inspect(bytes);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            LogFetchFailed(logger, 0);
            return PhotoCheckResult.Refused(NotFetched);
        }
    }

    /// <summary>The body, or null as soon as it passes the limit (the rest is never read).</summary>
    private static async Task<byte[]?> ReadLimitedAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > PhotoCheck.MaxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private HttpClient Client() => new(handler, disposeHandler: false) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    private AuthenticationHeaderValue Credentials()
    {
        var twilio = options.Value;
        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{twilio.AccountSid}:{twilio.AuthToken}")));
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    [LoggerMessage(Level = LogLevel.Warning, Message = "An MMS media URL not on the configured Twilio API host (or not this account's message) was refused and not fetched")]
    private static partial void LogRefusedUrl(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching MMS media from Twilio failed ({Status})")]
    private static partial void LogFetchFailed(ILogger logger, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting MMS media at Twilio failed ({Status}); it stays there until deleted by hand")]
    private static partial void LogDeleteFailed(ILogger logger, int status);
}
