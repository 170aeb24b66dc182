using System.Runtime.CompilerServices;

// The benchmarks measure the session's JSON round trip, which is internal.
[assembly: InternalsVisibleTo("PatientContact.Benchmarks")]
