using Microsoft.Extensions.Logging;
using PatientContact.Conversation.Intake;
using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Storage;

namespace PatientContact.Conversation.Verification;

/// <summary>
/// The one-time code policy of the <c>otp</c> step: when a code is sent, how many sends and wrong tries a
/// conversation has, and that reaching a limit carries on unverified rather than blocking the request.
/// </summary>
internal sealed partial class CodeCheck(
    OneTimeCodes codes,
    CodeSendLimiter limiter,
    IOutboundSender sender,
    VerificationOptions options,
    ILogger logger)
{
    /// <summary>Arriving at the step: a code is sent unless one is still valid; false when the conversation carried on without one.</summary>
    public async Task<bool> EnterAsync(Turn turn, CancellationToken ct)
    {
        var code = turn.Session.Code;
        if (code.WrongTries >= options.MaxWrongTries || (code.Sends >= options.MaxSends && (code.Hash is null || turn.Now >= code.ExpiresAt)))
        {
            await GiveUpAsync(turn, "We can't send another code to check your phone.", ct);
            return false;
        }

        var needsCode = code.Hash is null || turn.Now >= code.ExpiresAt;
        return !needsCode || await TrySendAsync(turn, ct);
    }

    /// <summary>Reads a code, or "resend".</summary>
    public async Task CheckAsync(Turn turn, string text, CancellationToken ct)
    {
        var code = turn.Session.Code;
        var folded = TextInput.Fold(text);
        if (folded is "resend" or "resend code" or "send again" or "new code")
        {
            if (code.Sends >= options.MaxSends)
            {
                await GiveUpAsync(turn, "We can't send any more codes.", ct);
                return;
            }

            if (!await TrySendAsync(turn, ct))
            {
                return;
            }

            turn.Say("We've sent a new code.");
            turn.Ask(Step.Otp);
            return;
        }

        var digits = folded.Replace(" ", string.Empty, StringComparison.Ordinal);
        if (digits.Length != 6 || !digits.All(char.IsAsciiDigit))
        {
            turn.Invalid("The code is 6 digits, like 123456. If it hasn't arrived, reply resend.");
            return;
        }

        if (code.Hash is null || code.ExpiresAt is null || turn.Now >= code.ExpiresAt)
        {
            turn.Invalid("That code has expired. Reply resend for a new one.");
            return;
        }

        if (codes.Matches(turn.Input.ConversationKey, digits, code.Hash))
        {
            code.Hash = null;
            code.ExpiresAt = null;
            turn.Session.Answers.Verified = true;
            turn.Session.Answers.VerifiedBy = VerifiedBy.Code;
            turn.Say("Thank you, that code is right.");
            await turn.AdvanceAsync(Trigger.Answered, ct);
            return;
        }

        code.WrongTries++;
        LogWrongCode(logger, turn.Service.Id, code.WrongTries);
        if (code.WrongTries >= options.MaxWrongTries)
        {
            await GiveUpAsync(turn, "That code is not right, and there are no tries left.", ct);
            return;
        }

        var left = options.MaxWrongTries - code.WrongTries;
        turn.Invalid($"That code is not right. You have {left} {(left == 1 ? "try" : "tries")} left. Reply resend for a new code.", int.MaxValue);
    }

    private static async Task GiveUpAsync(Turn turn, string why, CancellationToken ct)
    {
        var code = turn.Session.Code;
        code.GaveUp = true;
        code.Hash = null;
        code.ExpiresAt = null;
        turn.Say($"{why} We'll carry on without checking your phone. Your request will still reach us.");
        await turn.AdvanceAsync(Trigger.Answered, ct);
    }

    /// <summary>Sends a code unless the number is not a UK mobile or a rate limit is reached; then carries on unverified, saying why.</summary>
    private async Task<bool> TrySendAsync(Turn turn, CancellationToken ct)
    {
        var a = turn.Session.Answers;
        if (SenderNumbers.For(turn.Service) is null)
        {
            // A service with no SMS number (web chat only) cannot text a code: carry on, never wait for one that cannot come.
            await GiveUpAsync(turn, "We can't text a code from this service.", ct);
            return false;
        }

        if (await limiter.TryAcquireAsync(a.Phone, a.PhoneIsMobile, turn.Input.ClientAddress, turn.Input.SenderPhone, ct) is { } refusal)
        {
            LogCodeRefused(logger, turn.Service.Id, refusal);
            await GiveUpAsync(turn, CodeSendLimiter.Explain(refusal), ct);
            return false;
        }

        Send(turn);
        return true;
    }

    /// <summary>A new code: its keyed hash kept, the text queued once the turn is stored.</summary>
    private void Send(Turn turn)
    {
        var session = turn.Session;
        var value = OneTimeCodes.NewCode();
        session.Code.Sends++;
        session.Code.Hash = codes.Hash(turn.Input.ConversationKey, value);
        session.Code.ExpiresAt = turn.Now + options.CodeLifetime;
        var to = session.Answers.Phone!;
        var body = SmsWording.CodeText(value, turn.Service, options.CodeLifetime);
        var key = $"otp:{turn.Input.ConversationKey}:{session.StartedAt.ToUnixTimeMilliseconds()}:{session.Code.Sends}";
        var seconds = (int)options.CodeLifetime.TotalSeconds;
        var from = SenderNumbers.For(turn.Service);
        turn.AfterCommit.Add(ct => sender.QueueAsync(new OutboundText(to, body, TextPurpose.Code, key, seconds, from), ct));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No one-time code sent for service {ServiceId}: {Refusal}")]
    private static partial void LogCodeRefused(ILogger logger, string serviceId, CodeSendRefusal refusal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrong one-time code for service {ServiceId} ({Tries} wrong in this conversation)")]
    private static partial void LogWrongCode(ILogger logger, string serviceId, int tries);
}
