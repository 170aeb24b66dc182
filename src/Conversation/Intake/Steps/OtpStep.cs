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
        session.Answers.MobileAccess == true && !session.Answers.Verified && !session.Code.GaveUp && !session.Answers.IdentityCheckedByStaff;

    public override bool IsAnswered(IntakeSession session) => session.Answers.Verified || session.Code.GaveUp || session.Answers.IdentityCheckedByStaff;

    public override StepInput Input(IntakeSession session) => new(AnswerKind.Code, "one-time-code", "numeric", "nhsuk-input--width-5",
        Question: "Enter the 6-digit code we texted", Hint: "If it has not arrived after a minute, send a new code.");

    public override BotReply Ask(IntakeSession session, ServiceDefinition service, Availability? availability) =>
        BotReply.Say($"We've texted a 6-digit code to {PhoneParser.Display(session.Answers.Phone!)}. Reply with the code. If it hasn't arrived, reply resend.", Step);

    /// <summary>Arriving sends a code, unless one is still valid, or carries on unverified when no code can be sent.</summary>
    internal override Task<bool> EnterAsync(Turn turn, CancellationToken ct) => turn.Services.Codes.EnterAsync(turn, ct);

    internal override async Task AnswerAsync(Turn turn, string text, CancellationToken ct)
    {
        if (turn.Input.Channel == Inbox.Requests.Channel.Staff && TextInput.Fold(text) == StaffIdentityCheck.Answer)
        {
            // Staff checked who the caller is: no code needed, and the phone is not counted as verified.
            turn.Session.Code.Hash = null;
            turn.Session.Code.ExpiresAt = null;
            turn.Session.Answers.IdentityCheckedByStaff = true;
            await turn.AdvanceAsync(Trigger.Answered, ct);
            return;
        }

        await turn.Services.Codes.CheckAsync(turn, text, ct);
    }
}
