namespace PatientContact.Rules.Expressions;

/// <summary>What a rule in <c>rules/availability.json</c> sees as <c>input</c>; a rule that matches closes the service.</summary>
/// <param name="ServiceId">The service's slug, e.g. <c>riverside-gp</c>.</param>
/// <param name="ServiceType"><c>gp-practice</c>, <c>community-trust</c> or <c>mental-health-trust</c>.</param>
/// <param name="Channel"><c>webchat</c>, <c>sms</c> or <c>terminal</c>.</param>
/// <param name="LocalDay">UK day of the week; compares with strings: <c>input.LocalDay == "Saturday"</c>.</param>
/// <param name="LocalTime">UK time of day; compares with strings: <c>input.LocalTime &gt;= "08:00"</c>.</param>
/// <param name="LocalDate">UK date; compares with strings: <c>input.LocalDate == "2025-12-25"</c>.</param>
/// <param name="IsWeekend">Saturday or Sunday, UK time.</param>
/// <param name="WithinOpeningHours">Whether now falls in one of the service's opening windows.</param>
/// <param name="RequestsToday">Requests the service has received so far today (UK day).</param>
/// <param name="DailyCapacity">The service's daily capacity, or null when it has none.</param>
public sealed record AvailabilityInput(
    string ServiceId,
    string ServiceType,
    string Channel,
    DayOfWeek LocalDay,
    TimeOnly LocalTime,
    DateOnly LocalDate,
    bool IsWeekend,
    bool WithinOpeningHours,
    long RequestsToday,
    int? DailyCapacity);
