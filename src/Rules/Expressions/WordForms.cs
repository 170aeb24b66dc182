using System.Collections.Frozen;

namespace PatientContact.Rules.Expressions;

/// <summary>
/// How <see cref="Text"/> reads a word the way people write it: common misspellings, text-speak and
/// contractions are put into one spelling, then the word is cut to its stem, so "ending", "ended" and
/// "ends" all read "end", and "cutting" reads "cut". Text and phrases go through the same steps, so a
/// rule author writes a phrase once in plain words.
/// </summary>
/// <remarks>
/// The stem is a key for comparing, not a word: "stroke" and "strokes" both read "strok". The table is
/// short on purpose; each entry is a spelling seen in patients' messages or a form the stemmer cannot
/// find ("took", "bled"). docs/clinical-safety/changing-rules.md says how to add to it.
/// </remarks>
public static class WordForms
{
    private static readonly FrozenDictionary<string, string[]> Spellings = new Dictionary<string, string>
    {
        // Contractions without their apostrophe, and text-speak.
        ["cant"] = "can not", ["cannot"] = "can not", ["carnt"] = "can not", ["cnt"] = "can not", ["cani"] = "can i",
        ["dont"] = "do not", ["dnt"] = "do not", ["doesnt"] = "do not", ["didnt"] = "do not", ["isnt"] = "be not",
        ["wont"] = "will not", ["wasnt"] = "be not", ["arent"] = "be not", ["couldnt"] = "could not",
        ["wouldnt"] = "would not", ["shouldnt"] = "should not", ["havent"] = "have not", ["hasnt"] = "have not",
        ["aint"] = "be not", ["im"] = "i be", ["ive"] = "i have", ["youre"] = "you be", ["hes"] = "he be",
        ["shes"] = "she be", ["theyre"] = "they be", ["thats"] = "that be", ["theres"] = "there be",
        ["whats"] = "what be", ["u"] = "you", ["ur"] = "your", ["r"] = "are", ["wanna"] = "want to",
        ["wana"] = "want to", ["gonna"] = "going to", ["gna"] = "going to", ["gunna"] = "going to",
        ["gotta"] = "got to", ["kinda"] = "kind of", ["alot"] = "a lot", ["anymore"] = "any more",
        ["b4"] = "before", ["2day"] = "today", ["2nite"] = "tonight", ["tonite"] = "tonight", ["coz"] = "because",
        ["cos"] = "because", ["cuz"] = "because", ["bc"] = "because", ["abt"] = "about", ["pls"] = "please",
        ["plz"] = "please", ["ppl"] = "people", ["bf"] = "boyfriend", ["gf"] = "girlfriend", ["ok"] = "okay",
        ["kms"] = "kill myself", ["unalive"] = "kill", ["unaliving"] = "kill", ["sewerslide"] = "suicide",
        ["meself"] = "myself", ["myslef"] = "myself", ["mysef"] = "myself", ["myelf"] = "myself",
        ["mself"] = "myself", ["maself"] = "myself", ["miself"] = "myself", ["myseld"] = "myself",
        ["ma"] = "my", ["mi"] = "my", ["hisself"] = "himself",

        // One form for "be", "have" and "do", so "she is cutting herself" reads like "I am cutting myself".
        ["is"] = "be", ["am"] = "be", ["are"] = "be", ["was"] = "be", ["were"] = "be", ["been"] = "be", ["being"] = "be",
        ["has"] = "have", ["had"] = "have", ["having"] = "have", ["does"] = "do", ["did"] = "do",

        // Forms the stemmer cannot find.
        ["took"] = "take", ["taken"] = "take", ["tooken"] = "take", ["bled"] = "bleed", ["swollen"] = "swell",
        ["swolen"] = "swell", ["dying"] = "die", ["died"] = "die", ["dies"] = "die", ["fell"] = "fall",
        ["fallen"] = "fall", ["felt"] = "feel", ["ate"] = "eat", ["eaten"] = "eat", ["drank"] = "drink", ["hung"] = "hang",
        ["overdid"] = "overdo", ["od"] = "overdose", ["oded"] = "overdosed", 

        // Misspellings.
        ["sucide"] = "suicide", ["suicde"] = "suicide", ["suiside"] = "suicide", ["suacide"] = "suicide",
        ["sucidal"] = "suicidal", ["suicidle"] = "suicidal", ["suicidel"] = "suicidal", ["suisidal"] = "suicidal",
        ["suicdal"] = "suicidal", ["sucicidal"] = "suicidal", ["ovadose"] = "overdose", ["overdoze"] = "overdose",
        ["overdoes"] = "overdose", ["ovrdose"] = "overdose", ["tablests"] = "tablets", ["tablts"] = "tablets",
        ["tabets"] = "tablets", ["tabs"] = "tablets", ["pils"] = "pills", ["paracetemol"] = "paracetamol",
        ["paracetomol"] = "paracetamol", ["parecetamol"] = "paracetamol", ["paracetmol"] = "paracetamol",
        ["breth"] = "breathe", ["brethe"] = "breathe", ["breeth"] = "breathe", ["breathh"] = "breathe",
        ["brething"] = "breathing", ["breating"] = "breathing", ["breathng"] = "breathing", ["cheast"] = "chest",
        ["chesst"] = "chest", ["chset"] = "chest", ["ches"] = "chest", ["pian"] = "pain", ["pane"] = "pain",
        ["painz"] = "pains", ["unconcious"] = "unconscious", ["unconsious"] = "unconscious", ["unconsios"] = "unconscious",
        ["siezure"] = "seizure", ["seisure"] = "seizure", ["sezure"] = "seizure", ["seizur"] = "seizure",
        ["siezures"] = "seizures", ["bleding"] = "bleeding", ["bleedin"] = "bleeding",
        ["bledding"] = "bleeding",  ["menengitis"] = "meningitis", ["meningitus"] = "meningitis",
        ["menigitis"] = "meningitis", ["sepsys"] = "sepsis", ["sespis"] = "sepsis", ["ambulence"] = "ambulance",
        ["amberlance"] = "ambulance", ["halucinating"] = "hallucinating", ["hallucinateing"] = "hallucinating",
        ["pregant"] = "pregnant", ["pregnet"] = "pregnant", ["preggers"] = "pregnant", ["preggo"] = "pregnant",
        ["pregnat"] = "pregnant", ["babby"] = "baby", ["hedache"] = "headache", ["headake"] = "headache",
        ["hedake"] = "headache", ["nuthing"] = "nothing", ["noone"] = "no one",
        ["every1"] = "everyone", ["some1"] = "someone", ["any1"] = "anyone", ["no1"] = "no one",
        ["vommiting"] = "vomiting", ["vomitting"] = "vomiting", ["vommit"] = "vomit", ["throwin"] = "throwing",
        ["voises"] = "voices", ["voics"] = "voices", ["strok"] = "stroke", ["stoke"] = "stroke",
        ["anaphalaxis"] = "anaphylaxis", ["anafylaxis"] = "anaphylaxis", ["anaphylactic"] = "anaphylaxis",
        ["alergic"] = "allergic", ["alergy"] = "allergy", ["swolled"] = "swell",
        ["tounge"] = "tongue", ["tung"] = "tongue", ["throte"] = "throat", ["thoat"] = "throat",
        ["numbe"] = "numb", ["slured"] = "slurred", ["sluring"] = "slurring", ["dizy"] = "dizzy",
        ["harmin"] = "harming", ["cuttin"] = "cutting", ["hurtin"] = "hurting", ["killin"] = "killing",
        ["endin"] = "ending", ["dyin"] = "die", ["livin"] = "living", ["breathin"] = "breathing",
        ["bleedng"] = "bleeding", 
        ["concusion"] = "concussion", ["concious"] = "conscious",
        ["burnt"] = "burned", ["scolded"] = "scalded", ["scolding"] = "scalding",
    }.ToFrozenDictionary(p => p.Key, p => p.Value.Split(' '), StringComparer.Ordinal);

    // Words that only make another stronger: "really tight" reads "tight", so a phrase need not list every way of saying it.
    private static readonly FrozenSet<string> Intensifiers = new[]
    {
        "really", "very", "so", "quite", "extremely", "super", "totally", "literally", "actually", "just", "proper", "well",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The word, or the words it stands for ("cant" is "can not"), each in its usual spelling; none for a word like "really".</summary>
    public static IReadOnlyList<string> Spell(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return Intensifiers.Contains(word) ? [] : Spellings.TryGetValue(word, out var words) ? words : [word];
    }

    /// <summary>The word's stem: plural and verb endings cut off, a doubled last letter and a final "e" dropped.</summary>
    public static string Stem(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length <= 3 || !char.IsLetter(word[^1]))
        {
            return word;
        }

        var stem = word;
        if (stem.EndsWith("ies", StringComparison.Ordinal) && stem.Length > 4)
        {
            stem = stem[..^3] + "y";
        }
        else if (stem.EndsWith("sses", StringComparison.Ordinal))
        {
            stem = stem[..^2];
        }
        else if (stem[^1] == 's' && !stem.EndsWith("ss", StringComparison.Ordinal) && !stem.EndsWith("us", StringComparison.Ordinal)
            && !stem.EndsWith("is", StringComparison.Ordinal))
        {
            stem = stem[..^1];
        }

        var cut = false;
        if (stem.Length > 4 && stem.EndsWith("ing", StringComparison.Ordinal) && HasVowel(stem.AsSpan(0, stem.Length - 3)))
        {
            stem = stem[..^3];
            cut = true;
        }
        else if (stem.Length > 3 && stem.EndsWith("ed", StringComparison.Ordinal) && !stem.EndsWith("eed", StringComparison.Ordinal)
            && HasVowel(stem.AsSpan(0, stem.Length - 2)))
        {
            stem = stem[..^2];
            cut = true;
        }

        if (cut && stem.Length > 2 && stem[^1] == stem[^2] && stem[^1] is not ('l' or 's' or 'z' or 'e' or 'o'))
        {
            stem = stem[..^1];
        }

        if (stem.Length > 3 && stem[^1] == 'e')
        {
            stem = stem[..^1];
        }

        return stem;
    }

    /// <summary>Whether two words differ by at most one letter added, dropped, changed or two swapped.</summary>
    public static bool WithinOneEdit(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (Math.Abs(a.Length - b.Length) > 1)
        {
            return false;
        }

        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
        {
            i++;
        }

        if (i == a.Length || i == b.Length)
        {
            return true;
        }

        var restA = a.AsSpan(i);
        var restB = b.AsSpan(i);
        return a.Length == b.Length
            ? restA[1..].SequenceEqual(restB[1..])
                || (restA.Length >= 2 && restA[0] == restB[1] && restA[1] == restB[0] && restA[2..].SequenceEqual(restB[2..]))
            : a.Length > b.Length ? restA[1..].SequenceEqual(restB) : restA.SequenceEqual(restB[1..]);
    }

    private static bool HasVowel(ReadOnlySpan<char> text) => text.IndexOfAny("aeiouy") >= 0;
}
