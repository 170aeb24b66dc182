namespace PatientContact.Conversation.Intake;

/// <summary>
/// The order of the questions and which of them a conversation needs, from its answers so far.
/// The state machine asks this where a valid answer leads.
/// </summary>
public static class IntakeFlow
{
    /// <summary>The questions in the order SPEC section 1 gives them, ending at review.</summary>
    public static readonly IReadOnlyList<Step> Order =
    [
        Step.Emergency, Step.RequestType, Step.Details, Step.RedFlag, Step.Proxy, Step.ProxyName,
        Step.ProxyRelationship, Step.FollowUpDateOfBirth, Step.FollowUpDetails, Step.FirstName, Step.LastName, Step.DateOfBirth, Step.Gender, Step.Postcode,
        Step.Phone, Step.MobileAccess, Step.Otp, Step.ContactPreference, Step.Review,
    ];

    /// <summary>Where a valid answer at <paramref name="step"/> leads.</summary>
    /// <remarks>
    /// Normally the next question this conversation needs. While changing an answer from the review,
    /// questions already answered are passed over, so a change returns to the review as soon as
    /// everything it affects (a new phone's check, a new proxy's name) has been asked.
    /// </remarks>
    public static Step Next(Step step, IntakeSession session)
    {
        var index = IndexOf(step);
        for (var i = index + 1; i < Order.Count; i++)
        {
            var candidate = Order[i];
            if (!IsRequired(candidate, session) || (session.Changing && IsAnswered(candidate, session)))
            {
                continue;
            }

            return candidate;
        }

        return Step.Review;
    }

    /// <summary>Every step a valid answer at <paramref name="step"/> can lead to, for the graph.</summary>
    public static IEnumerable<Step> PossibleNext(Step step)
    {
        if (Branches.TryGetValue(step, out var branches))
        {
            foreach (var branch in branches)
            {
                yield return branch;
            }

            yield break;
        }

        var index = IndexOf(step);
        for (var i = index + 1; i < Order.Count; i++)
        {
            yield return Order[i];
            if (!IsOptional(Order[i]))
            {
                yield break;
            }
        }
    }

    public static bool IsRequired(Step step, IntakeSession session)
    {
        var answers = session.Answers;
        return step switch
        {
            Step.RedFlag => answers.RedFlags.Count > 0 && !answers.RedFlagsAcknowledged,
            Step.ProxyName or Step.ProxyRelationship => answers.Proxy == Inbox.Requests.SubmitterKind.Proxy,
            Step.MobileAccess => answers.PhoneIsMobile && answers.VerifiedBy != VerifiedBy.SmsChannel,
            Step.Otp => answers.MobileAccess == true && !answers.Verified && !session.Code.GaveUp,
            Step.ContactPreference => answers.PhoneIsMobile,
            // A personal follow-up link asks the date of birth first, and offers the details it holds once it matches.
            Step.FollowUpDateOfBirth => session.FollowUp is not null,
            Step.FollowUpDetails => session.FollowUp?.WereOffered == true,
            Step.DateOfBirth => session.FollowUp is null,
            Step.FirstName or Step.LastName or Step.Phone => session.FollowUp?.Stage != FollowUpStage.Accepted,
            _ => true,
        };
    }

    private static bool IsOptional(Step step) =>
        step is Step.RedFlag or Step.ProxyName or Step.ProxyRelationship or Step.MobileAccess or Step.Otp or Step.ContactPreference;

    /// <summary>
    /// Where the follow-up link's questions branch, spelled out for the graph: a link asks the date of birth
    /// before the name, and details the patient accepts are not asked again.
    /// </summary>
    private static readonly Dictionary<Step, Step[]> Branches = new()
    {
        [Step.Proxy] = [Step.ProxyName, Step.FollowUpDateOfBirth, Step.FirstName],
        [Step.ProxyName] = [Step.ProxyRelationship],
        [Step.ProxyRelationship] = [Step.FollowUpDateOfBirth, Step.FirstName],
        [Step.FollowUpDateOfBirth] = [Step.FollowUpDetails, Step.FirstName],
        [Step.FollowUpDetails] = [Step.FirstName, Step.Gender],
        [Step.LastName] = [Step.DateOfBirth, Step.Gender],
        [Step.Postcode] = [Step.Phone, Step.MobileAccess],
    };

    public static bool IsAnswered(Step step, IntakeSession session)
    {
        var answers = session.Answers;
        return step switch
        {
            Step.Emergency => true,
            Step.RequestType => answers.RequestTypeId is not null,
            Step.Details => answers.Details is not null,
            Step.RedFlag => answers.RedFlagsAcknowledged,
            Step.Proxy => answers.Proxy is not null,
            Step.ProxyName => answers.ProxyName is not null,
            Step.ProxyRelationship => answers.ProxyRelationship is not null,
            Step.FollowUpDateOfBirth => session.FollowUp is { Stage: not FollowUpStage.Pending },
            Step.FollowUpDetails => session.FollowUp?.Stage is FollowUpStage.Accepted or FollowUpStage.Declined,
            Step.FirstName => answers.FirstName is not null,
            Step.LastName => answers.LastName is not null && answers.SuggestedLastName is null,
            Step.DateOfBirth => answers.DateOfBirth is not null,
            Step.Gender => answers.Gender is not null,
            Step.Postcode => answers.Postcode is not null,
            Step.Phone => answers.Phone is not null,
            Step.MobileAccess => answers.MobileAccess is not null,
            Step.Otp => answers.Verified || session.Code.GaveUp,
            Step.ContactPreference => answers.ContactPreference is not null,
            _ => false,
        };
    }

    private static int IndexOf(Step step)
    {
        for (var i = 0; i < Order.Count; i++)
        {
            if (Order[i] == step)
            {
                return i;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(step), step, "Not a question step.");
    }
}

/// <summary>How possession of the contact mobile was shown.</summary>
public static class VerifiedBy
{
    public const string Code = "code";
    public const string SmsChannel = "sms-channel";
}
