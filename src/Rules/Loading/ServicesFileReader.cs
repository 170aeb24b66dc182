using System.Text.Json;
using System.Text.RegularExpressions;

namespace PatientContact.Rules.Loading;

/// <summary>Reads and checks <c>services.json</c>: <c>{"services":[{"id":...,"openingHours":[...]}]}</c>.</summary>
internal static partial class ServicesFileReader
{
    private static readonly string[] RootKeys = ["$schema", "services"];
    private static readonly string[] ServiceKeys = ["id", "name", "type", "odsCode", "smsNumbers", "phoneNumber", "openingHours", "dailyCapacity", "responsePromise", "crisisLine", "linkMessage", "followUpLinkMessage", "dutyAlertNumber", "welcomeMessage", "confirmationMessage"];
    private static readonly string[] LinkPlaceholders = ["{service}", "{link}"];
    private static readonly string[] FollowUpPlaceholders = ["{service}", "{link}", "{ends}"];
    private static readonly string[] WordingPlaceholders = ["{service}"];

    /// <summary>The longest welcome: with the first question it stays within 3 SMS segments.</summary>
    public const int MaxWelcomeLength = 200;

    /// <summary>The longest sentence added to the confirmation, which keeps its reference and safety lines.</summary>
    public const int MaxConfirmationLength = 160;

    /// <summary>The longest wording of a link text, before the link is filled in: with it, the text stays within 3 SMS segments.</summary>
    public const int MaxLinkMessageLength = 300;
    private static readonly string[] WindowKeys = ["days", "opens", "closes"];

    public static IReadOnlyList<ServiceDefinition> Read(JsonElement root, RuleFile file)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            file.Fail(null, "Expected an object like {\"services\": [...]}.");
        }

        file.CheckKeys(root, RootKeys, rule: null);
        if (!root.TryGetProperty("services", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            file.Fail(null, "'services' must be a list of at least one service.");
        }

        var services = new List<ServiceDefinition>();
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var smsOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var element in list.EnumerateArray())
        {
            var service = ReadService(element, index++, file);
            if (!ids.Add(service.Id))
            {
                file.Fail(service.Id, "The id is used by another service.");
            }

            foreach (var number in service.SmsNumbers)
            {
                if (!smsOwners.TryAdd(number, service.Id))
                {
                    file.Fail(service.Id, $"SMS number {number} is already used by service '{smsOwners[number]}'.");
                }
            }

            services.Add(service);
        }

        return services.AsReadOnly();
    }

    private static ServiceDefinition ReadService(JsonElement element, int index, RuleFile file)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            file.Fail($"services[{index}]", "A service must be an object.");
        }

        var label = element.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String
            ? idElement.GetString()!
            : $"services[{index}]";
        file.CheckKeys(element, ServiceKeys, label);

        var id = RequiredString(element, "id", label, file);
        if (!SlugPattern().IsMatch(id))
        {
            file.Fail(label, "id must be a slug of lower-case letters, digits and hyphens.");
        }

        var type = RequiredString(element, "type", id, file);
        if (!ServiceTypes.All.Contains(type))
        {
            file.Fail(id, $"Unknown type '{type}'; expected one of {string.Join(", ", ServiceTypes.All)}.");
        }

        var odsCode = RequiredString(element, "odsCode", id, file);
        if (!OdsCodePattern().IsMatch(odsCode))
        {
            file.Fail(id, $"odsCode '{odsCode}' must be 3 to 10 upper-case letters or digits.");
        }

        var phone = RequiredString(element, "phoneNumber", id, file);
        if (!PhonePattern().IsMatch(phone))
        {
            file.Fail(id, $"phoneNumber '{phone}' must be digits and spaces as patients should see it, e.g. \"0113 496 0001\".");
        }

        var crisisLine = OptionalString(element, "crisisLine")?.Trim();
        if (crisisLine is not null && !PhonePattern().IsMatch(crisisLine))
        {
            file.Fail(id, $"crisisLine '{crisisLine}' must be digits and spaces as patients should see it, e.g. \"0800 952 0000\".");
        }

        if (crisisLine is null && type == ServiceTypes.MentalHealthTrust)
        {
            file.Fail(id, "crisisLine is required for a mental-health-trust: the number patients in crisis call, e.g. \"0800 952 0000\".");
        }

        return new ServiceDefinition
        {
            Id = id,
            Name = RequiredString(element, "name", id, file),
            Type = type,
            OdsCode = odsCode,
            PhoneNumber = phone,
            SmsNumbers = ReadSmsNumbers(element, id, file).AsReadOnly(),
            OpeningHours = ReadOpeningHours(element, id, file).AsReadOnly(),
            DailyCapacity = ReadDailyCapacity(element, id, file),
            ResponsePromise = ReadResponsePromise(element, id, file),
            CrisisLine = crisisLine,
            LinkMessage = ReadLinkMessage(element, "linkMessage", LinkPlaceholders, id, file),
            FollowUpLinkMessage = ReadLinkMessage(element, "followUpLinkMessage", FollowUpPlaceholders, id, file),
            DutyAlertNumber = ReadDutyAlertNumber(element, id, file),
            WelcomeMessage = ReadWording(element, "welcomeMessage", MaxWelcomeLength, WordingPlaceholders, id, file),
            ConfirmationMessage = ReadWording(element, "confirmationMessage", MaxConfirmationLength, WordingPlaceholders, id, file),
        };
    }

    /// <summary>The longest response promise: it goes into the confirmation, which must stay within 3 SMS segments.</summary>
    public const int MaxResponsePromiseLength = 60;

    /// <summary>What the confirmation promises, read after "We'll reply": words, no full stop, no placeholder.</summary>
    private static string ReadResponsePromise(JsonElement service, string id, RuleFile file)
    {
        var promise = OptionalString(service, "responsePromise")?.Trim();
        if (string.IsNullOrEmpty(promise))
        {
            file.Fail(id, "responsePromise is missing: what the confirmation promises, read after \"We'll reply\", e.g. \"by the end of the next working day\".");
        }

        if (promise.Length > MaxResponsePromiseLength || promise.EndsWith('.') || promise.Contains('{', StringComparison.Ordinal) || !char.IsLower(promise[0]))
        {
            file.Fail(id, $"responsePromise must be words of up to {MaxResponsePromiseLength} characters that follow \"We'll reply\", starting in lower case with no full stop, e.g. \"by the end of the next working day\".");
        }

        return promise;
    }

    /// <summary>An optional UK mobile (E.164) texted when a request with an emergency red flag arrives; texts go from the service's own SMS number, so it needs one.</summary>
    private static string? ReadDutyAlertNumber(JsonElement service, string id, RuleFile file)
    {
        if (!service.TryGetProperty("dutyAlertNumber", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var number = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        if (!UkMobilePattern().IsMatch(number))
        {
            file.Fail(id, $"dutyAlertNumber '{number}' must be a UK mobile in E.164 form like \"+447700900999\", or null.");
        }

        if (!service.TryGetProperty("smsNumbers", out var sms) || sms.ValueKind != JsonValueKind.Array || sms.GetArrayLength() == 0)
        {
            file.Fail(id, "dutyAlertNumber needs the service to have an SMS number (smsNumbers) for the alert to be sent from.");
        }

        return number;
    }

    /// <summary>An optional patient-facing wording: one paragraph of 1 to <paramref name="maxLength"/> characters, with only the placeholders given.</summary>
    private static string? ReadWording(JsonElement service, string key, int maxLength, string[] placeholders, string id, RuleFile file)
    {
        if (!service.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : string.Empty;
        if (text.Length == 0 || text.Length > maxLength)
        {
            file.Fail(id, $"{key} must be text of 1 to {maxLength} characters.");
        }

        if (text.Contains('\n', StringComparison.Ordinal) || text.Contains('<', StringComparison.Ordinal))
        {
            file.Fail(id, $"{key} must be plain text on one line (no line breaks or markup).");
        }

        CheckPlaceholders(text, key, placeholders, id, file);
        return text;
    }

    private static void CheckPlaceholders(string text, string key, string[] placeholders, string id, RuleFile file)
    {
        foreach (Match placeholder in PlaceholderPattern().Matches(text))
        {
            if (!placeholders.Contains(placeholder.Value, StringComparer.Ordinal))
            {
                file.Fail(id, $"{key} has {placeholder.Value}, which is not filled in; use {string.Join(", ", placeholders)}.");
            }
        }
    }

    /// <summary>An optional wording of the text sent with a link: it must contain {link} and no placeholder it cannot fill.</summary>
    private static string? ReadLinkMessage(JsonElement service, string key, string[] placeholders, string id, RuleFile file)
    {
        if (!service.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : string.Empty;
        if (text.Length == 0 || text.Length > MaxLinkMessageLength)
        {
            file.Fail(id, $"{key} must be text of 1 to {MaxLinkMessageLength} characters.");
        }

        if (!text.Contains("{link}", StringComparison.Ordinal))
        {
            file.Fail(id, $"{key} must contain {{link}}, where the link goes.");
        }

        CheckPlaceholders(text, key, placeholders, id, file);
        return text;
    }

    private static List<string> ReadSmsNumbers(JsonElement service, string id, RuleFile file)
    {
        var numbers = new List<string>();
        if (!service.TryGetProperty("smsNumbers", out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return numbers;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            file.Fail(id, "smsNumbers must be a list of E.164 numbers like \"+447700900001\".");
        }

        foreach (var item in list.EnumerateArray())
        {
            var number = item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText();
            if (!E164Pattern().IsMatch(number))
            {
                file.Fail(id, $"SMS number '{number}' is not in E.164 form like \"+447700900001\".");
            }

            if (numbers.Contains(number))
            {
                file.Fail(id, $"SMS number {number} is listed twice.");
            }

            numbers.Add(number);
        }

        return numbers;
    }

    private static List<OpeningWindow> ReadOpeningHours(JsonElement service, string id, RuleFile file)
    {
        if (!service.TryGetProperty("openingHours", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            file.Fail(id, "openingHours must be a list (empty means never open), e.g. [{\"days\":[\"Monday\"],\"opens\":\"08:00\",\"closes\":\"18:30\"}].");
        }

        var windows = new List<OpeningWindow>();
        foreach (var entry in list.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object)
            {
                file.Fail(id, "Each openingHours entry must be an object with days, opens and closes.");
            }

            file.CheckKeys(entry, WindowKeys, id, "openingHours");
            if (!entry.TryGetProperty("days", out var days) || days.ValueKind != JsonValueKind.Array || days.GetArrayLength() == 0)
            {
                file.Fail(id, "Each openingHours entry needs days, a list of day names like [\"Monday\", \"Tuesday\"].");
            }

            var opens = OptionalString(entry, "opens");
            var closes = OptionalString(entry, "closes");
            var seen = new HashSet<DayOfWeek>();
            foreach (var dayElement in days.EnumerateArray())
            {
                var name = dayElement.ValueKind == JsonValueKind.String ? dayElement.GetString()! : dayElement.GetRawText();
                if (!TryParseDay(name, out var day))
                {
                    file.Fail(id, $"'{name}' in openingHours is not a day name like \"Monday\".");
                }

                if (!seen.Add(day))
                {
                    file.Fail(id, $"{day} is listed twice in one openingHours entry.");
                }

                var window = OpeningTimes.TryParseWindow(day, opens, closes, out var error);
                if (window is null)
                {
                    file.Fail(id, $"openingHours: {error}.");
                }

                windows.Add(window);
            }
        }

        windows.Sort((a, b) => (DayIndex(a.Day), a.Opens).CompareTo((DayIndex(b.Day), b.Opens)));
        for (var i = 1; i < windows.Count; i++)
        {
            var (before, after) = (windows[i - 1], windows[i]);
            if (before.Day == after.Day && (before.UntilMidnight || after.Opens < before.Closes))
            {
                file.Fail(id, $"Opening windows overlap on {after.Day}.");
            }
        }

        return windows;
    }

    private static int? ReadDailyCapacity(JsonElement service, string id, RuleFile file)
    {
        if (!service.TryGetProperty("dailyCapacity", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var capacity = 0;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out capacity) || capacity < 1)
        {
            file.Fail(id, "dailyCapacity must be a whole number of at least 1, or null for no limit.");
        }

        return capacity;
    }

    private static string RequiredString(JsonElement element, string key, string rule, RuleFile file)
    {
        var value = OptionalString(element, key);
        if (string.IsNullOrWhiteSpace(value))
        {
            file.Fail(rule, $"'{key}' is missing or empty.");
        }

        return value;
    }

    private static string? OptionalString(JsonElement element, string key) =>
        element.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool TryParseDay(string name, out DayOfWeek day) =>
        Enum.TryParse(name, ignoreCase: true, out day) && Enum.IsDefined(day) && !char.IsDigit(name.FirstOrDefault());

    private static int DayIndex(DayOfWeek day) => ((int)day + 6) % 7;

    [GeneratedRegex("^[a-z0-9-]+$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex(@"^\+[1-9][0-9]{7,14}$")]
    private static partial Regex E164Pattern();

    [GeneratedRegex(@"^\+447[0-9]{9}$")]
    private static partial Regex UkMobilePattern();

    [GeneratedRegex("^[A-Z0-9]{3,10}$")]
    private static partial Regex OdsCodePattern();

    [GeneratedRegex(@"^[0-9][0-9 ]{6,18}[0-9]$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex PlaceholderPattern();
}
