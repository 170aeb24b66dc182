namespace PatientContact.Rules.Expressions;

/// <summary>What a rule in <c>rules/red-flags.json</c> sees as <c>input</c>.</summary>
/// <param name="ServiceId">The service's slug, e.g. <c>riverside-gp</c>.</param>
/// <param name="ServiceType"><c>gp-practice</c>, <c>community-trust</c> or <c>mental-health-trust</c>.</param>
/// <param name="Details">The patient's words already put through <see cref="Text.Normalise"/>, ready for <see cref="Text.ContainsAny"/>.</param>
public sealed record RedFlagInput(string ServiceId, string ServiceType, string Details);
