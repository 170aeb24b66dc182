using PatientContact.Conversation.Channels.Form;
using PatientContact.Conversation.Channels.Sms;
using PatientContact.Conversation.Channels.WebChat;
using PatientContact.Conversation.Dev.Faults;
using PatientContact.Conversation.Dev.Outbox;
using PatientContact.Conversation.Dev.Pds;
using PatientContact.Conversation.Hosting;
using PatientContact.Inbox.Matching;
using PatientContact.Inbox.Messaging;
using PatientContact.Inbox.Retention;
using PatientContact.Inbox.Staff;
using PatientContact.Rules;
using PatientContact.Conversation.Channels.Terminal;

var builder = WebApplication.CreateBuilder(args);
ProductionSettings.ThrowIfIncomplete(builder.Configuration, builder.Environment);

builder.Services.AddProxySupport();
builder.Services.AddRules(builder.Configuration);
builder.Services.AddStorage(builder.Configuration, builder.Environment);
builder.Services.AddConversation();
builder.Services.AddMatching(builder.Configuration, builder.Environment);
builder.Services.AddOutboxDelivery();
builder.Services.AddRetention();
builder.Services.AddSmsChannel();
builder.Services.AddDataProtectionKeyStorage(builder.Configuration);
builder.Services.AddWebChat();
builder.Services.AddFormChannel();
builder.Services.AddInbox(builder.Configuration);
builder.Services.AddStoreFaults(builder.Configuration);
// Last: it wraps the stores registered above.
builder.Services.AddPatientContactTelemetry(builder.Configuration);

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
app.UseProxySupport();
app.UseTransportSecurity();
app.MapHealth();
app.MapDevPds();
app.MapSmsChannel();
app.MapWebChat();
app.MapFormChannel();
app.MapStaffEntry();
app.MapInbox();
app.MapDevOutbox(app.Environment);
app.Run();
return 0;

/// <summary>The web host; public so functional tests can start it.</summary>
public partial class Program;
