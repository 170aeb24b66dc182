namespace PatientContact.Rules;

/// <summary>Hands out the rule book in force; ask for <see cref="Current"/> each time rather than keeping it.</summary>
public interface IRuleBookProvider
{
    IRuleBook Current { get; }
}
