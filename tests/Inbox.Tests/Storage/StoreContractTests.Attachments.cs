using System.Security.Cryptography;
using PatientContact.Inbox.Requests;
using PatientContact.Inbox.Storage;

namespace PatientContact.Inbox.Tests.Storage;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Photo_reads_back_byte_for_byte_with_what_staff_see_of_it()
    {
        var content = RandomBytes(700_000);
        var info = Photo("photo-1", content);

        (await Stores.Attachments.AddAsync(info, content)).ShouldBe(AddResult.Added);
        var stored = await Stores.Attachments.GetAsync("photo-1");

        stored.ShouldNotBeNull();
        stored.Info.ShouldBe(info);
        stored.Content.ShouldBe(content);
        (await Stores.Attachments.GetAsync("photo-2")).ShouldBeNull();
    }

    [Fact]
    public async Task Photo_added_twice_is_kept_once_as_first_written()
    {
        var first = RandomBytes(1000);
        var second = RandomBytes(1000);
        await Stores.Attachments.AddAsync(Photo("photo-1", first), first);

        (await Stores.Attachments.AddAsync(Photo("photo-1", second), second)).ShouldBe(AddResult.AlreadyExists);

        (await Stores.Attachments.GetAsync("photo-1"))!.Content.ShouldBe(first);
    }

    [Fact]
    public async Task Deleted_photos_are_gone_and_others_stay()
    {
        foreach (var id in new[] { "photo-1", "photo-2", "photo-3" })
        {
            var content = RandomBytes(5000);
            await Stores.Attachments.AddAsync(Photo(id, content), content);
        }

        (await Stores.Attachments.DeleteAsync(["photo-1", "photo-3", "never-there"])).ShouldBe(2);

        (await Stores.Attachments.GetAsync("photo-1")).ShouldBeNull();
        (await Stores.Attachments.GetAsync("photo-3")).ShouldBeNull();
        (await Stores.Attachments.GetAsync("photo-2")).ShouldNotBeNull();
    }

    [Fact]
    public async Task Photos_and_the_request_listing_them_survive_a_restart()
    {
        var content = RandomBytes(20_000);
        var request = Request("ABCD-2345") with { Attachments = [new RequestAttachment("photo-1", "image/jpeg", content.Length, 640, 480)] };
        await Stores.Attachments.AddAsync(Photo("photo-1", content), content);
        await Stores.Requests.AddAsync(request);

        var reopened = await ReopenStoresAsync();

        (await reopened.Requests.GetAsync("ABCD-2345"))!.Attachments.ShouldBe(request.Attachments);
        (await reopened.Attachments.GetAsync("photo-1"))!.Content.ShouldBe(content);
    }

    private static AttachmentInfo Photo(string id, byte[] content) =>
        new(id, "webchat:1", "surgery-a", "image/jpeg", content.Length, 640, 480, Convert.ToHexStringLower(SHA256.HashData(content)), T0);

    private static byte[] RandomBytes(int count) => RandomNumberGenerator.GetBytes(count);
}
