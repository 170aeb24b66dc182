namespace PatientContact.Conversation.Tests.Support;

/// <summary>Common ways through the conversation, answered as a patient would.</summary>
public static class Walks
{
    public const string JanePhone = "+447700900123";

    /// <summary>From opening to the review: Jane Smith for herself, a medical request, verified mobile, text reply.</summary>
    public static async Task<PatientSession> ToReviewAsync(this PatientSession patient, EngineHarness harness, string details = "I have had a cough for two weeks and it is not getting better.")
    {
        await patient.OpenAsync();
        patient.Step.ShouldBe("emergency");
        await patient.SayAsync("1");
        patient.Step.ShouldBe("request-type");
        await patient.SayAsync("1");
        patient.Step.ShouldBe("details");
        await patient.SayAsync(details);
        patient.Step.ShouldBe("proxy");
        await patient.SayAsync("Myself");
        await patient.SayAsync("Jane");
        await patient.SayAsync("Smith");
        await patient.SayAsync("22/10/2010");
        await patient.SayAsync("Female");
        await patient.SayAsync("ls1 6ae");
        patient.Step.ShouldBe("phone");
        await patient.SayAsync("07700 900123");
        if (patient.Step == "mobile-access")
        {
            await patient.SayAsync("yes");
            patient.Step.ShouldBe("otp");
            await patient.SayAsync(await harness.LastCodeSentToAsync(JanePhone));
        }

        patient.Step.ShouldBe("contact-preference");
        await patient.SayAsync("1");
        patient.Step.ShouldBe("review");
        return patient;
    }
}
