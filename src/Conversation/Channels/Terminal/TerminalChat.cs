using PatientContact.Conversation.Intake;
using PatientContact.Conversation.Intake.Parsing;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.Conversation.Channels.Terminal;

/// <summary>
/// <c>dotnet run --project src/Conversation -- chat riverside-gp</c>: the conversation in a terminal,
/// with the same engine and store as the service, for trying it out and debugging rules. Texts the
/// service would send (one-time codes, confirmations) are printed as they are queued.
/// </summary>
public static partial class TerminalChat
{
    public static async Task<int> RunAsync(IServiceProvider services, string? serviceId, TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        var rules = services.GetRequiredService<IRuleBookProvider>().Current;
        var service = serviceId is null ? null : rules.FindService(serviceId);
        if (service is null)
        {
            await output.WriteLineAsync($"Choose a service: chat <{string.Join("|", rules.Services.Select(s => s.Id))}>");
            return 2;
        }

        var engine = services.GetRequiredService<IntakeEngine>();
        var outbox = services.GetRequiredService<IOutboxStore>();
        var key = $"terminal:{service.Id}:{Guid.NewGuid():N}";
        var shown = new HashSet<Guid>();
        await output.WriteLineAsync($"Talking to {service.Name}. Type your answers; Ctrl+D ends.");

        var result = await engine.HandleAsync(new TurnInput(key, service.Id, Channel.Terminal, "open", null), cancellationToken);
        var turn = 0;
        while (true)
        {
            foreach (var reply in result.Replies)
            {
                await output.WriteLineAsync();
                await output.WriteLineAsync(reply.Text);
                foreach (var choice in reply.Choices)
                {
                    await output.WriteLineAsync($"  {choice.Value}. {choice.Label}");
                }
            }

            await output.WriteLineAsync($"[step: {result.Step.ToId()}]");
            await ShowTextsAsync(outbox, result, shown, output, cancellationToken);
            await output.WriteAsync("> ");
            var line = await input.ReadLineAsync(cancellationToken);
            if (line is null)
            {
                await output.WriteLineAsync();
                return 0;
            }

            result = await engine.HandleAsync(new TurnInput(key, service.Id, Channel.Terminal, $"t{++turn}", line), cancellationToken);
        }
    }

    private static async Task ShowTextsAsync(IOutboxStore outbox, TurnResult result, HashSet<Guid> shown, TextWriter output, CancellationToken ct)
    {
        if (result.Step is not (Step.Otp or Step.Submitted or Step.ContactPreference or Step.Review))
        {
            return;
        }

        // The phone is in the session, not the result: look for texts queued for any number this run saw.
        foreach (var to in result.Replies.SelectMany(r => PhonesIn(r.Text)).Distinct())
        {
            foreach (var text in (await outbox.ListForRecipientAsync(to, 5, ct)).Reverse())
            {
                if (shown.Add(text.Id))
                {
                    await output.WriteLineAsync($"[text to {to}: {text.Body}]");
                }
            }
        }
    }

    private static IEnumerable<string> PhonesIn(string text)
    {
        foreach (System.Text.RegularExpressions.Match match in PhonePattern().Matches(text))
        {
            var phone = PhoneParser.Parse(match.Value);
            if (phone.Ok && phone.Value!.IsMobile)
            {
                yield return phone.Value.E164;
            }
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?:\+44|0)[\d ]{9,13}\d")]
    private static partial System.Text.RegularExpressions.Regex PhonePattern();
}
