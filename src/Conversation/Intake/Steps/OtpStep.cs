using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Rules;

namespace PatientContact.Conversation.Intake.Steps;

/// <summary>The 6-digit code texted to the mobile given; the code policy (sends, tries, limits) is <see cref="Verification.CodeCheck"/>'s.</summary>
public sealed class OtpStep : IntakeStep
{
    public override Step Step => Step.Otp;

    public override string Id => "otp";

    public override bool IsOptional => true;

    public override bool IsRequired(IntakeSession session) =>
        session.Answers.MobileAccess == true && !session.Answers.Verified && !session.Code.GaveUp;

    public override bool IsAnswered(IntakeSession session) => session.Answers.Verified || session.Code.GaveUp;

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability) =>
        BotReply.Say($"We've texted a 6-digit code to {PhoneParser.Display(session.Answers.Phone!)}. Reply with the code. If it hasn't arrived, reply resend.", Step);

    /// <summary>Arriving sends a code, unless one is still valid, or carries on unverified when no code can be sent.</summary>
    internal override Task<bool> EnterAsync(Turn turn, CancellationToken ct) => turn.Services.Codes.EnterAsync(turn, ct);

    internal override Task AnswerAsync(Turn turn, string text, CancellationToken ct) => turn.Services.Codes.CheckAsync(turn, text, ct);
}
