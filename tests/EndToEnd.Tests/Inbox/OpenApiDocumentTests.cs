using System.Net;
using System.Text.Json.Nodes;
using PatientContact.EndToEnd.Tests.Support;

namespace PatientContact.EndToEnd.Tests.Inbox;

/// <summary>
/// <c>GET /openapi/v1.json</c> from the running service is the inbox API, and is exactly the copy the
/// repository keeps in <c>docs/api/openapi.v1.json</c>: a change to the API that does not update the
/// copy fails here, with the command that updates it.
/// </summary>
public sealed class OpenApiDocumentTests
{
    private static readonly string Committed = Path.Combine(RepoPaths.Root, "docs", "api", "openapi.v1.json");

    [Fact]
    public async Task The_served_document_is_the_committed_one()
    {
        await using var host = await ServiceHost.StartAsync();
        using var client = host.CreateClient();

        using var response = await client.GetAsync("/openapi/v1.json");

        response.StatusCode.ShouldBe(HttpStatusCode.OK, "anyone may read the API's description");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        var served = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var committed = File.Exists(Committed) ? JsonNode.Parse(await File.ReadAllTextAsync(Committed)) : null;
        if (!JsonNode.DeepEquals(served, committed))
        {
            var actual = Path.Combine(Path.GetTempPath(), "openapi.v1.json");
            await File.WriteAllTextAsync(actual, served.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
            Assert.Fail($"The inbox API's OpenAPI document has changed. If the change is meant, update the copy: cp {actual} {Committed}");
        }
    }

    [Fact]
    public async Task The_document_describes_the_inbox_api_and_nothing_else()
    {
        var document = JsonNode.Parse(await File.ReadAllTextAsync(Committed))!;

        document["openapi"]!.GetValue<string>().ShouldStartWith("3.");
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        paths.ShouldContain("/api/inbox/requests");
        paths.ShouldContain("/api/inbox/requests/{referenceId}");
        paths.ShouldContain("/api/inbox/requests/{referenceId}/status");
        paths.ShouldAllBe(p => p.StartsWith("/api/inbox/", StringComparison.Ordinal));
        var list = document["paths"]!["/api/inbox/requests"]!["get"]!;
        list["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ShouldContain("status");
        list["responses"]!["200"].ShouldNotBeNull();
        document["components"]!["securitySchemes"]!["integrationToken"]!["scheme"]!.GetValue<string>().ShouldBe("bearer");
        document["servers"].ShouldBeNull();
    }
}
