namespace PatientContact.Inbox.Links;

/// <summary>The addresses a patient is given: a service's link page <c>/c/{serviceId}</c>, and a personal follow-up link under it.</summary>
public static class PatientLinks
{
    /// <summary><c>/c/{serviceId}</c>, or with a token <c>/c/{serviceId}/f/{token}</c>.</summary>
    public static string Path(string serviceId, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        return $"/c/{Uri.EscapeDataString(serviceId)}" + (token is null ? string.Empty : $"/f/{token}");
    }

    /// <summary>The whole address under <paramref name="baseUrl"/> (the public address, or a request's origin).</summary>
    public static string Url(string baseUrl, string serviceId, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        return baseUrl.TrimEnd('/') + Path(serviceId, token);
    }
}
