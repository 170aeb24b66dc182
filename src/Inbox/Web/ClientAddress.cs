using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace PatientContact.Inbox.Web;

/// <summary>
/// The client a per-IP limit counts against. Behind a trusted proxy the forwarded-headers middleware
/// has already put the real client's address in <see cref="ConnectionInfo.RemoteIpAddress"/>; an
/// address forwarded by anyone else was ignored. An IPv6 client counts by its /64 (one household or
/// phone is given a whole /64, so single addresses would limit nothing), an IPv4-mapped address as
/// the IPv4 address it carries.
/// </summary>
public static class ClientAddress
{
    /// <summary>The limit key of this request's client, or <c>unknown</c> when the connection has no address.</summary>
    public static string Key(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Key(context.Connection.RemoteIpAddress) ?? "unknown";
    }

    /// <summary>The limit key of an address given as text; null when it is not an IP address.</summary>
    public static string? Key(string? address) =>
        !string.IsNullOrWhiteSpace(address) && IPAddress.TryParse(address, out var parsed) ? Key(parsed) : null;

    /// <summary>The limit key of an address: <c>ip:203.0.113.9</c>, or <c>ip6:</c> and the first 64 bits in hex.</summary>
    public static string? Key(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return "ip6:" + Convert.ToHexString(address.GetAddressBytes(), 0, 8);
        }

        return "ip:" + address;
    }
}
