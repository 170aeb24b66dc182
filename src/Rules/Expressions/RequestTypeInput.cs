namespace PatientContact.Rules.Expressions;

/// <summary>What a rule in <c>rules/request-types.json</c> sees as <c>input</c>.</summary>
/// <param name="ServiceId">The service's slug, e.g. <c>riverside-gp</c>.</param>
/// <param name="ServiceType"><c>gp-practice</c>, <c>community-trust</c> or <c>mental-health-trust</c>.</param>
/// <param name="Channel"><c>webchat</c>, <c>sms</c> or <c>terminal</c>.</param>
/// <param name="LocalDay">UK day of the week; compares with strings: <c>input.LocalDay == "Saturday"</c>.</param>
/// <param name="LocalTime">UK time of day; compares with strings: <c>input.LocalTime &gt;= "08:00"</c>.</param>
/// <param name="LocalDate">UK date; compares with strings: <c>input.LocalDate == "2025-12-25"</c>.</param>
/// <param name="IsWeekend">Saturday or Sunday, UK time.</param>
/// <param name="IsOpen">Whether the service is within its opening hours now (capacity is not considered here).</param>
public sealed record RequestTypeInput(
    string ServiceId,
    string ServiceType,
    string Channel,
    DayOfWeek LocalDay,
    TimeOnly LocalTime,
    DateOnly LocalDate,
    bool IsWeekend,
    bool IsOpen);
