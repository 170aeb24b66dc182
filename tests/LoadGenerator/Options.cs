using System.Globalization;

namespace PatientContact.LoadGenerator;

/// <summary>Command-line settings; every run is bounded by <see cref="Duration"/> and stops by itself.</summary>
public sealed record LoadOptions
{
    public string Scenario { get; init; } = "all";
    public int Patients { get; init; } = 200;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Upper bound of a random pause between a patient's messages; zero sends back to back.</summary>
    public TimeSpan MaxThinkTime { get; init; } = TimeSpan.Zero;
    /// <summary>
    /// Think time of <c>sms-paced</c>: up to 400 ms (200 ms on average) keeps 200 patients near 1,000 turns a
    /// second offered, the paced target, while the service has room to spare.
    /// </summary>
    public TimeSpan PacedThinkTime { get; init; } = TimeSpan.FromMilliseconds(400);
    /// <summary>Think time of <c>websocket</c> inside <c>all</c>: up to a second, as a patient reading and typing.</summary>
    public TimeSpan WebSocketThinkTime { get; init; } = TimeSpan.FromSeconds(1);
    public int PeerConversations { get; init; } = 2000;
    public string? ServiceDll { get; init; }
    /// <summary>Never more than this many requests in one run, whatever the duration.</summary>
    public long MaxRequests { get; init; } = 20_000_000;
    /// <summary>Fault-injection run: whole conversations to send, half by SMS and half by web chat.</summary>
    public int Conversations { get; init; } = 10_000;
    /// <summary>Fault-injection run: the share of store calls that fail.</summary>
    public double FaultRate { get; init; } = 0.02;
    /// <summary>Fault-injection run: how many times the service is killed and started again.</summary>
    public int Kills { get; init; } = 5;
    /// <summary>
    /// Fault-injection run, to check the check: after the run, one request a patient was told about is deleted and another
    /// stored again under a new reference ID, so the run must report 1 lost and 1 duplicated, and exit 1.
    /// </summary>
    public bool PlantFaults { get; init; }

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--scenario" => options with { Scenario = Value() },
                "--patients" => options with { Patients = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--think-ms" => options with { MaxThinkTime = TimeSpan.FromMilliseconds(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--paced-think-ms" => options with { PacedThinkTime = TimeSpan.FromMilliseconds(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--websocket-think-ms" => options with { WebSocketThinkTime = TimeSpan.FromMilliseconds(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--peer-conversations" => options with { PeerConversations = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--service-dll" => options with { ServiceDll = Value() },
                "--conversations" => options with { Conversations = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--fault-rate" => options with { FaultRate = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--kills" => options with { Kills = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--plant-faults" => options with { PlantFaults = true },
                _ => throw new ArgumentException($"Unknown option {args[i]}"),
            };
        }

        if (options.Duration > TimeSpan.FromMinutes(30) || options.Patients is < 1 or > 2000 || options.Conversations is < 1 or > 100_000 || options.FaultRate is < 0 or > 0.5)
        {
            throw new ArgumentException("Keep --duration at 30 minutes or less, --patients between 1 and 2000, --conversations between 1 and 100,000 and --fault-rate between 0 and 0.5.");
        }

        return options;
    }
}
