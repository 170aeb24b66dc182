using PatientContact.Inbox.Storage;
using PatientContact.Rules;

namespace PatientContact.Conversation.Hosting;

/// <summary><c>/health/live</c> (the process answers) and <c>/health/ready</c> (store reachable, rules loaded).</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => Results.Json(new { status = "live" }));
        app.MapGet("/health/ready", async (IStoreHealth store, IRuleBookProvider rules, CancellationToken ct) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            (bool Healthy, string? Reason) storeHealth;
            try
            {
                storeHealth = await store.CheckAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                storeHealth = (false, "store did not answer in time");
            }

            if (!storeHealth.Healthy)
            {
                return Results.Json(new { status = "unavailable", reason = storeHealth.Reason ?? "store unreachable" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            return rules.Current.Services.Count == 0
                ? Results.Json(new { status = "unavailable", reason = "no services in the rules" }, statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Json(new { status = "ready" });
        });
        return app;
    }
}
