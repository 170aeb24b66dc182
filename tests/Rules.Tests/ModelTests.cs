using System.Text.Json;

namespace PatientContact.Rules.Tests;

public sealed class ModelTests
{
    [Fact]
    public void Opening_window_is_written_with_24_00_for_midnight_and_read_back()
    {
        var windows = new[]
        {
            new OpeningWindow(DayOfWeek.Monday, new TimeOnly(8, 0), new TimeOnly(18, 30)),
            new OpeningWindow(DayOfWeek.Sunday, TimeOnly.MinValue, TimeOnly.MinValue, UntilMidnight: true),
        };

        var json = JsonSerializer.Serialize(windows);

        json.ShouldBe("""[{"day":"Monday","opens":"08:00","closes":"18:30"},{"day":"Sunday","opens":"00:00","closes":"24:00"}]""");
        JsonSerializer.Deserialize<OpeningWindow[]>(json).ShouldBe(windows);
    }

    [Theory]
    [InlineData("07:59", false)]
    [InlineData("08:00", true)]
    [InlineData("18:29", true)]
    [InlineData("18:30", false)]
    public void Window_includes_opening_and_excludes_closing(string time, bool open) =>
        new OpeningWindow(DayOfWeek.Monday, new TimeOnly(8, 0), new TimeOnly(18, 30)).Contains(TimeOnly.Parse(time)).ShouldBe(open);

    [Fact]
    public void Window_until_midnight_includes_the_last_minute() =>
        new OpeningWindow(DayOfWeek.Monday, new TimeOnly(8, 0), TimeOnly.MinValue, UntilMidnight: true).Contains(new TimeOnly(23, 59, 59)).ShouldBeTrue();

    [Fact]
    public void Loaded_services_cannot_be_changed_through_their_lists()
    {
        var book = RuleBookLoader.Load(RulesFolders.Demo);

        ((ICollection<ServiceDefinition>)book.Services).IsReadOnly.ShouldBeTrue();
        ((ICollection<string>)book.Services[0].SmsNumbers).IsReadOnly.ShouldBeTrue();
        ((ICollection<OpeningWindow>)book.Services[0].OpeningHours).IsReadOnly.ShouldBeTrue();
    }
}
