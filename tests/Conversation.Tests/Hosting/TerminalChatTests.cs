using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PatientContact.Conversation.Intake;
using PatientContact.Conversation.Tests.Support;
using PatientContact.Inbox.Storage;
using PatientContact.Rules;
using PatientContact.Conversation.Channels.Terminal;

namespace PatientContact.Conversation.Tests.Hosting;

public sealed partial class TerminalChatTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pc-chat-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_terminal_chat_walks_a_whole_conversation_to_a_reference_id_in_the_sqlite_file()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development", ContentRootPath = _directory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rules:Directory"] = RepoPaths.Rules,
            ["Storage:Sqlite:Path"] = "data/chat.db",
        });
        builder.Services.AddRules(builder.Configuration);
        builder.Services.AddStorage(builder.Configuration, builder.Environment);
        builder.Services.AddIntake();
        using var host = builder.Build();

        var output = new StringWriter();
        var input = new ScriptedInput(output,
            "1", "1", "My cough is not going away", "myself", "Jane", "Smith", "22/10/2010", "f", "ls16ae",
            "07700 900123", "yes", "{code}", "text", "submit");

        var exit = await TerminalChat.RunAsync(host.Services, "riverside-gp", input, output, CancellationToken.None);

        exit.ShouldBe(0);
        var transcript = output.ToString();
        transcript.ShouldContain("[step: emergency]");
        transcript.ShouldContain("[text to +447700900123: ");
        var referenceId = ReferencePattern().Match(transcript).Value;
        referenceId.ShouldNotBeEmpty();
        File.Exists(Path.Combine(_directory, "data", "chat.db")).ShouldBeTrue();
        var stored = await host.Services.GetRequiredService<IRequestStore>().GetAsync(referenceId);
        stored!.Patient.LastName.ShouldBe("Smith");
        stored.Contact.Verified.ShouldBeTrue();
    }

    [Fact]
    public async Task An_unknown_service_lists_the_ones_there_are()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development", ContentRootPath = _directory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Rules:Directory"] = RepoPaths.Rules });
        builder.Services.AddRules(builder.Configuration);
        builder.Services.AddStorage(builder.Configuration, builder.Environment);
        builder.Services.AddIntake();
        using var host = builder.Build();
        var output = new StringWriter();

        var exit = await TerminalChat.RunAsync(host.Services, "nowhere", new StringReader(string.Empty), output, CancellationToken.None);

        exit.ShouldBe(2);
        output.ToString().ShouldContain("riverside-gp");
    }

    [GeneratedRegex("[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")]
    private static partial Regex ReferencePattern();

    [GeneratedRegex(@"\[text to \+447700900123: (\d{6}) is your code")]
    private static partial Regex CodePattern();

    /// <summary>Types the given lines one by one, reading the code from the transcript as a person reads their phone.</summary>
    private sealed class ScriptedInput(StringWriter transcript, params string[] lines) : TextReader
    {
        private int _next;

        public override string? ReadLine()
        {
            if (_next == lines.Length)
            {
                return null;
            }

            var line = lines[_next++];
            return line == "{code}" ? CodePattern().Matches(transcript.ToString())[^1].Groups[1].Value : line;
        }

        public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => ValueTask.FromResult(ReadLine());
    }
}
