using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace PatientContact.Inbox.Storage;

/// <summary>The exception an injected store fault throws, as a store that lost its disk or connection would.</summary>
public sealed class InjectedStoreFaultException() : IOException("Injected store fault (Development:StoreFaultRate).");

/// <summary>
/// Development only: <c>Development:StoreFaultRate</c> (0 to 0.5) makes that share of store calls fail,
/// half of them before the store is called (nothing written) and half after it has finished (written,
/// but the caller is told it failed). The fault-injection run (docs/fault-injection.md) uses it to show
/// that no reference ID a patient is given is lost or stored twice. Outside Development the setting
/// stops start-up (the host's Development-only settings check).
/// <c>AddInbox</c> applies it between the stores and their tracing, so a failed call still has its span.
/// </summary>
public static class StoreFaults
{
    public const string RateKey = "Development:StoreFaultRate";

    /// <summary>
    /// Wraps every store registered so far (<c>I…Store</c> and the input index) when the rate is above zero; not
    /// the health check, nor the Data Protection key ring (read at start-up and cached, not part of any turn).
    /// </summary>
    public static IServiceCollection AddStoreFaults(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var rate = configuration.GetValue<double>(RateKey);
        if (rate <= 0)
        {
            return services;
        }

        if (rate > 0.5)
        {
            throw new InvalidOperationException($"{RateKey} must be between 0 and 0.5.");
        }

        return services.WrapStores(typeof(FaultyStore<>), rate, type =>
            (type.Name.EndsWith("Store", StringComparison.Ordinal) || type == typeof(IInputIndex))
            && type != typeof(IStoreHealth) && type != typeof(IKeyRingStore));
    }
}

/// <summary>A store whose asynchronous calls fail at the given rate, before or after the real call.</summary>
public class FaultyStore<TStore> : DispatchProxy
    where TStore : class
{
    private static readonly MethodInfo AfterOpen = typeof(FaultyStore<TStore>).GetMethod(nameof(FailAfterTypedAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    private TStore _inner = null!;
    private double _rate;

    public static TStore Wrap(TStore inner, double rate)
    {
        ArgumentNullException.ThrowIfNull(inner);
        var proxy = Create<TStore, FaultyStore<TStore>>();
        var faulty = (FaultyStore<TStore>)(object)proxy;
        faulty._inner = inner;
        faulty._rate = rate;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var returns = targetMethod.ReturnType;
        var isTask = typeof(Task).IsAssignableFrom(returns);
        var roll = isTask ? Random.Shared.NextDouble() : 1;
        if (roll < _rate / 2)
        {
            return returns.IsGenericType
                ? typeof(Task).GetMethod(nameof(Task.FromException), 1, [typeof(Exception)])!.MakeGenericMethod(returns.GetGenericArguments()[0]).Invoke(null, [new InjectedStoreFaultException()])
                : Task.FromException(new InjectedStoreFaultException());
        }

        object? result;
        try
        {
            result = targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }

        if (roll >= _rate)
        {
            return result;
        }

        return returns.IsGenericType
            ? AfterOpen.MakeGenericMethod(returns.GetGenericArguments()[0]).Invoke(null, [result])
            : FailAfterAsync((Task)result!);
    }

    private static async Task FailAfterAsync(Task call)
    {
        await call.ConfigureAwait(false);
        throw new InjectedStoreFaultException();
    }

    private static async Task<T> FailAfterTypedAsync<T>(Task<T> call)
    {
        await call.ConfigureAwait(false);
        throw new InjectedStoreFaultException();
    }
}
