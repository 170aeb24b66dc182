using System.Text.Json.Nodes;
using PatientContact.EndToEnd.Tests.Support;
using PatientContact.EndToEnd.Tests.WebChat;
using PatientContact.Inbox.Requests;
using static PatientContact.EndToEnd.Tests.Matching.MatchingChannels;

namespace PatientContact.EndToEnd.Tests.Matching;

/// <summary>
/// SPEC section 4 end to end by web chat, over Direct Line 3.0: Jane Smith with the mobile she proved
/// with a code arrives matched with NHS number 9000000009; an unverified or different mobile, a wrong
/// date of birth, twins or PDS switched off arrive unmatched with the reason. The patient is told and
/// texted the same in every case.
/// </summary>
[Collection(MatchingCollection.Name)]
public sealed class MatchingByWebChatTests(MatchingHosts fixture)
{
    [Fact]
    public async Task By_web_chat_jane_with_her_verified_mobile_arrives_matched_and_every_other_case_unmatched_with_the_same_replies()
    {
        var matched = await ByWebChatAsync(fixture.Host);
        var unverified = await ByWebChatAsync(fixture.Host, hasPhone: false);
        var otherMobile = await ByWebChatAsync(fixture.Host, phone: "07700 900998");
        var wrongBirthday = await ByWebChatAsync(fixture.Host, born: "21/10/2010");
        var twin = await ByWebChatAsync(fixture.Host, first: "Alex", last: "Morgan", born: "14/03/2001", postcode: "LS2 7EW", phone: "07700 900201");
        var pdsOff = await ByWebChatAsync(fixture.PdsOff);

        matched.Request.Match.ShouldBe(Matched);
        matched.Request.Contact.Verified.ShouldBeTrue();
        unverified.Request.Match.ShouldBe(Unmatched(MatchReason.PhoneNotVerified));
        otherMobile.Request.Match.ShouldBe(Unmatched(MatchReason.PhoneNotOnRecord));
        wrongBirthday.Request.Match.ShouldBe(Unmatched(MatchReason.NoMatch));
        twin.Request.Match.ShouldBe(Unmatched(MatchReason.SeveralMatches));
        pdsOff.Request.Match.ShouldBe(Unmatched(MatchReason.PdsUnavailable));
        foreach (var other in new[] { unverified, otherMobile, wrongBirthday, twin, pdsOff })
        {
            other.Told.ShouldBe(matched.Told);
            other.Texted.ShouldBe(matched.Texted);
        }
    }

    /// <summary>A patient in web chat, over Direct Line 3.0: the token, the conversation, each answer posted, the code read from the dev outbox.</summary>
    private static async Task<Outcome> ByWebChatAsync(
        ServiceHost host, string first = "Jane", string last = "Smith", string born = "22/10/2010", string postcode = "LS1 6AE", string phone = Jane, bool hasPhone = true)
    {
        using var http = host.CreateClient();
        var conversation = await new DirectLineHttp(http).StartAsync();
        var watermark = "";
        async Task<List<JsonObject>> Say(string text)
        {
            await conversation.SayAsync(text);
            var (activities, next) = await conversation.ReadAsync(watermark);
            watermark = next;
            return [.. activities.Where(a => a["from"]!["role"]!.GetValue<string>() == "bot")];
        }

        static string StepOf(List<JsonObject> replies) => replies[^1]["channelData"]!["step"]!.GetValue<string>();

        List<JsonObject> replies = [];
        foreach (var answer in new[] { "1", "1", "I have had a cough for two weeks.", "2", "1", first, last, born, "1", postcode, phone, hasPhone ? "1" : "2" })
        {
            replies = await Say(answer);
        }

        var e164 = E164(phone);
        if (hasPhone)
        {
            StepOf(replies).ShouldBe("otp");
            replies = await Say(await CodeFromDevOutboxAsync(http, e164));
        }

        StepOf(replies).ShouldBe("contact-preference");
        StepOf(await Say("1")).ShouldBe("review");
        replies = await Say("1");
        StepOf(replies).ShouldBe("submitted");
        var told = string.Join("\n", replies.Select(r => r["text"]!.GetValue<string>()));
        return await OutcomeAsync(host, told, phone, http, e164);
    }

}
