using PatientContact.Conversation.Channels.Terminal;
using PatientContact.Conversation.Hosting;
using PatientContact.Inbox;
using PatientContact.Rules;

var builder = WebApplication.CreateBuilder(args);
ProductionSettings.ThrowIfIncomplete(builder.Configuration, builder.Environment);

builder.Services.AddRules(builder.Configuration);
builder.Services.AddInbox(builder.Configuration, builder.Environment);
builder.Services.AddConversation(builder.Configuration);

if (args is ["graph", ..])
{
    Console.WriteLine(PatientContact.Conversation.Intake.IntakeMachine.ToMermaid());
    return 0;
}

if (args is ["chat", ..])
{
    // The terminal chat needs the services, not the web server or background workers.
    builder.Services.RemoveAll<IHostedService>();
    using var host = builder.Build();
    return await TerminalChat.RunAsync(host.Services, args.ElementAtOrDefault(1), Console.In, Console.Out, CancellationToken.None);
}

if (args is ["add-staff", ..])
{
    builder.Services.RemoveAll<IHostedService>();
    using var host = builder.Build();
    return await StaffCommand.RunAsync(host.Services, args[1..], Console.In, Console.Out, Console.Error, CancellationToken.None);
}

if (args is ["staff", ..])
{
    builder.Services.RemoveAll<IHostedService>();
    using var host = builder.Build();
    return await StaffCommand.RunChangeAsync(host.Services, args[1..], Console.Out, Console.Error, CancellationToken.None);
}

var app = builder.Build();
app.MapConversation();
app.MapInbox();
app.Run();
return 0;

/// <summary>The web host; public so functional tests can start it.</summary>
public partial class Program;
