using System.Diagnostics;
using System.Reflection;

namespace PatientContact.Inbox.Telemetry;

/// <summary>
/// Wraps a store so each call is a span (<c>IRequestStore.GetAsync</c>, with <c>db.system</c>), the
/// child of whatever span is current (a request, a turn, a text being sent). Arguments are never
/// recorded: they hold reference IDs, phone numbers and answers. With no span current, or nobody
/// listening, a call goes straight through.
/// </summary>
public class TracedStore<TStore> : DispatchProxy
    where TStore : class
{
    private TStore _inner = null!;
    private string _system = null!;

    /// <summary>A <typeparamref name="TStore"/> that traces every call to <paramref name="inner"/>.</summary>
    public static TStore Wrap(TStore inner, string system)
    {
        ArgumentNullException.ThrowIfNull(inner);
        var proxy = Create<TStore, TracedStore<TStore>>();
        var traced = (TracedStore<TStore>)(object)proxy;
        traced._inner = inner;
        traced._system = system;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        // Only inside a span (a request, a turn, a text being sent): a background poll alone is not traced.
        var activity = Activity.Current is not null && PatientContactTelemetry.Source.HasListeners()
            ? PatientContactTelemetry.Source.StartActivity($"{typeof(TStore).Name}.{targetMethod.Name}", ActivityKind.Client)
            : null;
        if (activity is null)
        {
            return Call(targetMethod, args);
        }

        activity.SetTag("db.system", _system);
        activity.SetTag("db.operation", targetMethod.Name);
        object? result;
        try
        {
            result = Call(targetMethod, args);
        }
        catch (Exception ex)
        {
            Fail(activity, ex);
            activity.Dispose();
            throw;
        }

        if (result is Task task)
        {
            // The span ends when the call does; the caller gets the store's own task.
            task.ContinueWith(
                static (done, state) =>
                {
                    var span = (Activity)state!;
                    if (done.Exception is { } error)
                    {
                        Fail(span, error.GetBaseException());
                    }

                    span.Dispose();
                },
                activity,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            Activity.Current = activity.Parent;
            return result;
        }

        activity.Dispose();
        return result;
    }

    private object? Call(MethodInfo method, object?[]? args)
    {
        try
        {
            return method.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }

    // Only the exception's type: its message can repeat what was being stored.
    private static void Fail(Activity activity, Exception error)
    {
        activity.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
        activity.SetTag("error.type", error.GetType().FullName);
    }
}
