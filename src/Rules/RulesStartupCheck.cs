using Microsoft.Extensions.Hosting;

namespace PatientContact.Rules;

/// <summary>Loads the rules as the host starts, so broken rule files stop start-up instead of the first patient's turn.</summary>
internal sealed class RulesStartupCheck(IRuleBookProvider provider) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = provider.Current;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
