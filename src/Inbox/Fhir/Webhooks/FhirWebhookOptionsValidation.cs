using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PatientContact.Rules;

namespace PatientContact.Inbox.Fhir.Webhooks;

/// <summary>Checks <c>FhirWebhook</c> at start-up, naming each setting that is wrong.</summary>
public sealed class FhirWebhookOptionsValidation(IHostEnvironment environment, IConfiguration configuration, IRuleBookProvider rules) : IValidateOptions<FhirWebhookOptions>
{
    public const int MinSecretLength = 32;

    public ValidateOptionsResult Validate(string? name, FhirWebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        foreach (var (serviceId, webhook) in options.Services)
        {
            var key = $"{FhirWebhookOptions.Section}:Services:{serviceId}";
            if (rules.Current.FindService(serviceId) is null)
            {
                problems.Add($"{key}: there is no service '{serviceId}' in services.json.");
            }

            if (!Uri.TryCreate(webhook.Url, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(url.UserInfo))
            {
                problems.Add($"{key}:Url must be the receiver's absolute https address, without a user name or password.");
            }
            else if (url.Scheme != "https" && !environment.IsDevelopment())
            {
                problems.Add($"{key}:Url must be https outside Development: the bundle holds patient data.");
            }

            if (string.IsNullOrWhiteSpace(webhook.Secret) || webhook.Secret.Trim().Length < MinSecretLength)
            {
                problems.Add($"{key}:Secret must be set, at least {MinSecretLength} characters (from a secret store or an environment variable).");
            }
        }

        if (options.Services.Count > 0 && string.IsNullOrWhiteSpace(configuration["PublicBaseUrl"]))
        {
            problems.Add("PublicBaseUrl must be set with a FHIR webhook: the bundle's identifiers are made under it.");
        }

        if (options.MaxAttempts is < 1 or > 100)
        {
            problems.Add($"{FhirWebhookOptions.Section}:MaxAttempts must be from 1 to 100.");
        }

        if (options.FirstRetryDelay <= TimeSpan.Zero || options.MaxRetryDelay < options.FirstRetryDelay)
        {
            problems.Add($"{FhirWebhookOptions.Section}:FirstRetryDelay must be above zero and MaxRetryDelay at least as long.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Lease <= options.Timeout * 2)
        {
            problems.Add($"{FhirWebhookOptions.Section}:Timeout must be above zero and Lease more than twice as long, so a post finishes inside its lease.");
        }

        if (options.PollInterval <= TimeSpan.Zero || options.MatchWait < TimeSpan.Zero)
        {
            problems.Add($"{FhirWebhookOptions.Section}:PollInterval must be above zero and MatchWait zero or more.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
