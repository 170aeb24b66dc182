namespace PatientContact.LoadGenerator;

/// <summary>
/// The ceiling: a bare Kestrel minimal API on this machine that reads a form post and answers a
/// small XML body, nothing else. Run as its own process, like the service.
/// </summary>
public static class CeilingServer
{
    public const string Path = "/sms";

    public static async Task RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet("/ready", () => "ok");
        app.MapPost(Path, async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var body = form["Body"].ToString();
            return Results.Text($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>{System.Security.SecurityElement.Escape(body)}</Message></Response>", "application/xml");
        });
        await app.RunAsync();
    }
}
