using System.Buffers.Text;
using System.Security.Cryptography;

namespace SessionGrains.Testing;

public static class SiteKeys
{
    /// <summary>Issues a key for <paramref name="siteId"/> as an operator does: over the HTTP API, with the admin key.</summary>
    public static async Task<string> IssueAsync(Uri server, string adminKey, string siteId)
    {
        using var admin = new HttpClient { BaseAddress = server };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", adminKey);
        using var issued = await admin.PostAsync(new Uri($"/api/sites/{siteId}/keys", UriKind.Relative), null);
        issued.EnsureSuccessStatusCode();
        return (await issued.ReadJsonAsync()).GetProperty("key").GetString()!;
    }

    /// <summary>A 256-bit secret in a key's alphabet (URL-safe base64 without padding), as the server makes them.</summary>
    public static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>A well-formed site key nobody issued: a random id and a random secret.</summary>
    public static string MadeUp() => $"sgk_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}_{NewSecret()}";
}
