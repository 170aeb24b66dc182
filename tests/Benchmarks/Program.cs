using BenchmarkDotNet.Running;

namespace PatientContact.Benchmarks;

/// <summary>dotnet run -c Release --project tests/Benchmarks -- --filter '*'</summary>
public static class BenchmarkProgram
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
}
