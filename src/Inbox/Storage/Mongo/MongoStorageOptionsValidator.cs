using Microsoft.Extensions.Options;
using MongoDB.Driver;

namespace PatientContact.Inbox.Storage.Mongo;

/// <summary>
/// Refuses MongoDB settings that cannot work, naming the setting. The connection string itself is never
/// put in a message: it may hold a password.
/// </summary>
public sealed class MongoStorageOptionsValidator(string sectionName = MongoStorageOptions.SectionName) : IValidateOptions<MongoStorageOptions>
{
    // MongoDB refuses these in database names (on any platform), and names over 63 bytes.
    private static readonly char[] ForbiddenInDatabaseName = ['/', '\\', '.', ' ', '"', '$', '*', '<', '>', ':', '|', '?', '\0'];

    public ValidateOptionsResult Validate(string? name, MongoStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{sectionName}:ConnectionString is required when Storage:Provider is MongoDb (a mongodb:// or mongodb+srv:// connection string).");
        }
        else
        {
            try
            {
                _ = MongoUrl.Create(options.ConnectionString);
            }
            catch (Exception ex) when (ex is MongoConfigurationException or ArgumentException or FormatException)
            {
                failures.Add($"{sectionName}:ConnectionString is not a valid MongoDB connection string ({ex.GetType().Name}).");
            }
        }

        if (string.IsNullOrWhiteSpace(options.Database))
        {
            failures.Add($"{sectionName}:Database is required when Storage:Provider is MongoDb (the database name, for example patientcontact).");
        }
        else if (options.Database.IndexOfAny(ForbiddenInDatabaseName) >= 0 || System.Text.Encoding.UTF8.GetByteCount(options.Database) > 63)
        {
            failures.Add($"{sectionName}:Database '{options.Database}' is not a MongoDB database name (at most 63 bytes, none of / \\ . space \" $ * < > : | ?).");
        }

        CheckPositive(options.ServerSelectionTimeout, nameof(options.ServerSelectionTimeout));
        CheckPositive(options.ConnectTimeout, nameof(options.ConnectTimeout));
        CheckPositive(options.HealthTimeout, nameof(options.HealthTimeout));
        CheckAtLeast(options.ConversationRetention, TimeSpan.FromDays(1), nameof(options.ConversationRetention));
        CheckAtLeast(options.ActivityRetention, TimeSpan.FromHours(1), nameof(options.ActivityRetention));
        CheckAtLeast(options.InputRetention, TimeSpan.FromDays(1), nameof(options.InputRetention));

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void CheckPositive(TimeSpan value, string setting)
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"{sectionName}:{setting} must be more than zero (it is {value}).");
            }
        }

        void CheckAtLeast(TimeSpan value, TimeSpan minimum, string setting)
        {
            if (value < minimum)
            {
                failures.Add($"{sectionName}:{setting} must be at least {minimum} (it is {value}).");
            }
        }
    }
}
