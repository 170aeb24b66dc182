using PatientContact.Inbox.Messaging;

namespace PatientContact.Inbox.Tests.Messaging;

public class SmsTextTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    [InlineData(459, 3)]
    [InlineData(460, 4)]
    public void Gsm7_text_takes_160_septets_alone_then_153_per_segment(int length, int segments)
    {
        var text = new string('a', length);

        SmsText.EncodingOf(text).ShouldBe(SmsEncoding.Gsm7);
        SmsText.CountSegments(text).ShouldBe(segments);
    }

    [Theory]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(134, 2)]
    [InlineData(135, 3)]
    [InlineData(201, 3)]
    [InlineData(202, 4)]
    public void Ucs2_text_takes_70_units_alone_then_67_per_segment(int length, int segments)
    {
        var text = new string('ж', length);

        SmsText.EncodingOf(text).ShouldBe(SmsEncoding.Ucs2);
        SmsText.CountSegments(text).ShouldBe(segments);
    }

    [Fact]
    public void Extension_characters_take_two_septets_and_never_straddle_segments()
    {
        SmsText.CountSegments(new string('€', 80)).ShouldBe(1);
        SmsText.CountSegments(new string('€', 81)).ShouldBe(2);
        // 306 septets would fit 2 segments, but the euro sign cannot be split: 152 | € + 151 | 1.
        SmsText.CountSegments(new string('a', 152) + "€" + new string('a', 152)).ShouldBe(3);
    }

    [Fact]
    public void Emoji_take_two_units_and_never_straddle_segments()
    {
        SmsText.CountSegments(string.Concat(Enumerable.Repeat("😀", 35))).ShouldBe(1);
        SmsText.CountSegments(new string('ж', 66) + "😀" + new string('ж', 66)).ShouldBe(3);
    }

    [Fact]
    public void An_empty_text_takes_no_segments() => SmsText.CountSegments(string.Empty).ShouldBe(0);

    [Theory]
    [InlineData("£5 @ café, Äpfel, niño, {braces} [and] ~tilde~ €", true)]
    [InlineData("Line one\nLine two", true)]
    [InlineData("It’s", false)]
    [InlineData("Zoë", false)]
    [InlineData("ça", false)]
    [InlineData("Hello 👋", false)]
    public void Gsm7_is_the_default_alphabet_and_its_extension_table(string text, bool gsm) =>
        SmsText.IsGsm7(text).ShouldBe(gsm);

    [Fact]
    public void Typographic_punctuation_becomes_ascii() =>
        SmsText.WithAsciiPunctuation("It’s “fine” – really… ‘ok’ — yes\u00A0no")
            .ShouldBe("It's \"fine\" - really... 'ok' - yes no");

    [Fact]
    public void Emoji_and_symbols_are_dropped_but_letters_are_kept() =>
        SmsText.WithoutSymbols("Hello 👋 there 😀\nZoë ✓ ok").ShouldBe("Hello there\nZoë ok");

    [Fact]
    public void Accents_gsm7_lacks_are_taken_off_and_others_kept() =>
        SmsText.WithoutAccents("Zoë Ångström, çava, Łukasz, José, Иван").ShouldBe("Zoe Ångström, cava, Lukasz, José, Иван");
}
