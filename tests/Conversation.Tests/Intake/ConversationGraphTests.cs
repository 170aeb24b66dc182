using PatientContact.Conversation.Intake;
using PatientContact.Conversation.Tests.Support;

namespace PatientContact.Conversation.Tests.Intake;

public class ConversationGraphTests
{
    private const string Start = "<!-- conversation-graph:start -->";
    private const string End = "<!-- conversation-graph:end -->";

    [Fact]
    public void The_readme_diagram_is_the_one_generated_from_the_state_machine()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")).ReplaceLineEndings("\n");
        var from = readme.IndexOf(Start, StringComparison.Ordinal);
        var to = readme.IndexOf(End, StringComparison.Ordinal);
        from.ShouldBeGreaterThan(0, "README.md needs the conversation graph markers");
        var shown = readme[(from + Start.Length)..to].Trim();

        var generated = "```mermaid\n" + IntakeMachine.ToMermaid().ReplaceLineEndings("\n").Trim() + "\n```";

        shown.ShouldBe(generated, "The conversation changed: paste the new graph (printed by `dotnet run --project src/Conversation -- graph`) into README.md.");
    }

    [Fact]
    public void Every_step_of_the_spec_is_reachable_in_the_graph()
    {
        var graph = IntakeMachine.ToMermaid();
        foreach (var step in Enum.GetValues<Step>().Where(s => s is not Step.Expired))
        {
            graph.ShouldContain(step.ToString());
        }
    }
}
